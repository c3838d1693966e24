import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Store } from '../../storage/index.js';
import { accessToken, family, refreshToken, T0, useFreshStore } from './records.js';

export function grantContract(open: () => Promise<Store>): void {
  describe('refresh grants', () => {
    const store = useFreshStore(open);

    async function startFamilyF1(): Promise<void> {
      await store().grants.startFamily(family('f1'), refreshToken('r1', 'f1'), accessToken('a1'));
    }

    it('finds a refresh token with its family by hash', async () => {
      await startFamilyF1();
      const found = await store().grants.findRefreshToken('sha256-of-r1');
      assert.deepEqual(found, { token: refreshToken('r1', 'f1'), family: family('f1') });
      assert.equal(await store().grants.findRefreshToken('sha256-of-unknown'), undefined);
    });

    it('keeps the DPoP key a family is bound to', async () => {
      const bound = family('f1', { dpopJkt: 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs' });
      await store().grants.startFamily(bound, refreshToken('r1', 'f1'), accessToken('a1'));
      assert.deepEqual((await store().grants.findRefreshToken('sha256-of-r1'))?.family, bound);
    });

    it('keeps a client grant without username apart from a user grant', async () => {
      const clientGrant = refreshToken('r1', 'f1', { username: null, subject: 'client-1' });
      await store().grants.startFamily(family('f1', { subject: 'client-1' }), clientGrant, accessToken('a1'));
      assert.deepEqual((await store().grants.findRefreshToken('sha256-of-r1'))?.token, clientGrant);
    });

    it('rotates a refresh token once: marks it consumed and stores the next one', async () => {
      await startFamilyF1();
      const next = refreshToken('r2', 'f1', { createdAt: T0 + 60 });
      assert.equal(await store().grants.rotate('r1', T0 + 60, next, accessToken('a2')), true);
      assert.equal((await store().grants.findRefreshToken('sha256-of-r1'))?.token.consumedAt, T0 + 60);
      assert.deepEqual((await store().grants.findRefreshToken('sha256-of-r2'))?.token, next);
    });

    it('refuses to rotate a consumed token again and writes nothing', async () => {
      await startFamilyF1();
      assert.equal(await store().grants.rotate('r1', T0 + 60, refreshToken('r2', 'f1'), accessToken('a2')), true);
      assert.equal(await store().grants.rotate('r1', T0 + 90, refreshToken('r3', 'f1'), accessToken('a3')), false);
      assert.equal((await store().grants.findRefreshToken('sha256-of-r1'))?.token.consumedAt, T0 + 60);
      assert.equal(await store().grants.findRefreshToken('sha256-of-r3'), undefined);
      await store().grants.revokeFamily('f1', T0 + 120);
      assert.equal(await store().revocations.isRevoked('a2'), true);
      assert.equal(await store().revocations.isRevoked('a3'), false, 'the losing access token was never recorded');
    });

    it('lets exactly one of 20 concurrent rotations of the same token win', async () => {
      await startFamilyF1();
      const attempts = Array.from({ length: 20 }, (_, i) =>
        store().grants.rotate('r1', T0 + 60, refreshToken(`next-${i}`, 'f1'), accessToken(`access-${i}`)),
      );
      const outcomes = await Promise.all(attempts);
      assert.equal(outcomes.filter(Boolean).length, 1);
      const stored = await Promise.all(outcomes.map((_, i) => store().grants.findRefreshToken(`sha256-of-next-${i}`)));
      assert.deepEqual(
        stored.map((found) => found !== undefined),
        outcomes,
        'only the winner stored its next token',
      );
    });

    it("revokes every live family of one user or one client, with their access tokens, and no one else's", async () => {
      const start = (id: string, subject: string, clientId: string) =>
        store().grants.startFamily(
          family(id, { subject, clientId }),
          refreshToken(`r-${id}`, id, { subject, clientId }),
          accessToken(`a-${id}`),
        );
      await start('f1', 'usr_a', 'cl_1');
      await start('f2', 'usr_a', 'cl_2');
      await start('f3', 'usr_b', 'cl_1');
      await start('f4', 'usr_b', 'cl_2');
      assert.equal(await store().grants.revokeFamiliesOf({ subject: 'usr_a' }, T0 + 30), 2);
      assert.equal(await store().grants.revokeFamiliesOf({ subject: 'usr_a' }, T0 + 40), 0, 'already revoked');
      assert.equal(await store().grants.revokeFamiliesOf({ clientId: 'cl_1' }, T0 + 50), 1);
      const revoked = await Promise.all(
        ['a-f1', 'a-f2', 'a-f3', 'a-f4'].map((jti) => store().revocations.isRevoked(jti)),
      );
      assert.deepEqual(revoked, [true, true, true, false]);
      assert.equal((await store().grants.findRefreshToken('sha256-of-r-f3'))?.family.revokedAt, T0 + 50);
      assert.equal((await store().grants.findRefreshToken('sha256-of-r-f4'))?.family.revokedAt, null);
    });

    it('refuses to rotate a token of a revoked family and writes nothing', async () => {
      await startFamilyF1();
      await store().grants.revokeFamily('f1', T0 + 30);
      assert.equal(await store().grants.rotate('r1', T0 + 60, refreshToken('r2', 'f1'), accessToken('a2')), false);
      assert.equal((await store().grants.findRefreshToken('sha256-of-r1'))?.token.consumedAt, null);
      assert.equal(await store().grants.findRefreshToken('sha256-of-r2'), undefined);
    });

    it('rolls a rotation back when storing the next token fails', async () => {
      await startFamilyF1();
      // The access jti is already taken, so the last write of the rotation fails.
      await assert.rejects(store().grants.rotate('r1', T0 + 60, refreshToken('r2', 'f1'), accessToken('a1')));
      assert.equal((await store().grants.findRefreshToken('sha256-of-r1'))?.token.consumedAt, null);
      assert.equal(await store().grants.findRefreshToken('sha256-of-r2'), undefined);
    });

    it('refuses a rotation whose next token names another family than the consumed one', async () => {
      await startFamilyF1();
      await store().grants.startFamily(family('f2'), refreshToken('r2', 'f2'), accessToken('a2'));
      await store().grants.revokeFamily('f1', T0 + 30);
      assert.equal(await store().grants.rotate('r1', T0 + 60, refreshToken('r3', 'f2'), accessToken('a3')), false);
      assert.equal((await store().grants.findRefreshToken('sha256-of-r1'))?.token.consumedAt, null);
      assert.equal(await store().grants.findRefreshToken('sha256-of-r3'), undefined);
    });

    it('writes nothing when starting a family fails part-way', async () => {
      await startFamilyF1();
      // The access jti is already taken, so the last of the three writes fails.
      await assert.rejects(store().grants.startFamily(family('f2'), refreshToken('r2', 'f2'), accessToken('a1')));
      assert.equal(await store().grants.findRefreshToken('sha256-of-r2'), undefined);
    });

    it('revokes a family by deny-listing its live access tokens and skipping expired ones', async () => {
      await store().grants.startFamily(family('f1'), refreshToken('r1', 'f1'), accessToken('a1', T0 + 3600));
      await store().grants.rotate('r1', T0 + 60, refreshToken('r2', 'f1'), accessToken('a2', T0 + 100));
      await store().grants.revokeFamily('f1', T0 + 100);
      assert.equal((await store().grants.findRefreshToken('sha256-of-r2'))?.family.revokedAt, T0 + 100);
      assert.equal(await store().revocations.isRevoked('a1'), true);
      assert.equal(await store().revocations.isRevoked('a2'), false, 'a2 expired at the moment of revocation');
      const [entry, ...rest] = await store().revocations.listSince(0, T0 + 100, 10);
      assert.deepEqual(
        { jti: entry?.jti, revokedAt: entry?.revokedAt, expiresAt: entry?.expiresAt },
        {
          jti: 'a1',
          revokedAt: T0 + 100,
          expiresAt: T0 + 3600,
        },
      );
      assert.equal(rest.length, 0);
    });

    it('revokes a family idempotently, keeping the first revocation time and record', async () => {
      await startFamilyF1();
      await store().grants.revokeFamily('f1', T0 + 100);
      await store().grants.revokeFamily('f1', T0 + 200);
      assert.equal((await store().grants.findRefreshToken('sha256-of-r1'))?.family.revokedAt, T0 + 100);
      const entries = await store().revocations.listSince(0, T0 + 200, 10);
      assert.deepEqual(
        entries.map((e) => [e.jti, e.revokedAt]),
        [['a1', T0 + 100]],
      );
    });

    it('keeps an earlier direct revocation of a family access token as it was', async () => {
      await startFamilyF1();
      await store().revocations.add('a1', T0 + 10, T0 + 3600);
      await store().grants.revokeFamily('f1', T0 + 100);
      const entries = await store().revocations.listSince(0, T0 + 100, 10);
      assert.deepEqual(
        entries.map((e) => [e.jti, e.revokedAt]),
        [['a1', T0 + 10]],
      );
    });

    it('leaves other families alone when one is revoked', async () => {
      await startFamilyF1();
      await store().grants.startFamily(family('f2'), refreshToken('r2', 'f2'), accessToken('a2'));
      await store().grants.revokeFamily('f1', T0 + 100);
      assert.equal(await store().revocations.isRevoked('a2'), false);
      assert.equal((await store().grants.findRefreshToken('sha256-of-r2'))?.family.revokedAt, null);
      assert.equal(await store().grants.rotate('r2', T0 + 120, refreshToken('r3', 'f2'), accessToken('a3')), true);
    });

    it('treats revoking an unknown family as a no-op', async () => {
      await store().grants.revokeFamily('no-such-family', T0);
      assert.deepEqual(await store().revocations.listSince(0, T0, 10), []);
    });
  });
}
