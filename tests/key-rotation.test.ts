/**
 * `tollgate keys rotate` against a running server: within a couple of seconds new tokens carry the new
 * kid, the JWKS publishes old and new keys, and tokens signed by the old key keep working.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fetchJwks, kidOf, verifyAccessToken } from './support/jwt.js';
import { cliJson, type StandardSeed, seedStandard, USER_API } from './support/seed.js';
import { assertActive, clientCredentialsToken } from './support/tokens.js';
import { startTollgate, type TollgateProcess } from './support/tollgate.js';
import { waitUntil } from './support/wait.js';

const PICKUP_BOUND_MS = 3_000;

describe('signing key rotation', () => {
  let server: TollgateProcess;
  let seed: StandardSeed;
  before(async () => {
    server = await startTollgate();
    seed = await seedStandard(server);
  });
  after(() => server?.stop());

  async function rotateAndAwait(args: string[], previousKid: string, algorithms: string[]) {
    await cliJson(server, ['keys', 'rotate', ...args]);
    const rotatedAt = Date.now();
    const { value: token } = await waitUntil(
      'new tokens carry the new kid',
      async () => {
        const tokens = await clientCredentialsToken(server.url, seed.backend);
        return kidOf(tokens.access_token) === previousKid ? undefined : tokens.access_token;
      },
      { timeoutMs: 10_000, intervalMs: 100 },
    );
    const pickupMs = Date.now() - rotatedAt;
    assert.ok(pickupMs <= PICKUP_BOUND_MS, `the running server took ${pickupMs} ms to sign with the new key`);
    const { header } = await verifyAccessToken(server.url, token, USER_API, algorithms);
    return { token, kid: header.kid };
  }

  it('signs with the new key within seconds and keeps old tokens valid', async () => {
    const before = await clientCredentialsToken(server.url, seed.backend);
    const oldKid = kidOf(before.access_token);
    assert.ok(oldKid, 'access tokens carry a kid');

    const rotated = await rotateAndAwait([], oldKid, ['EdDSA']);
    assert.ok(rotated.kid && rotated.kid !== oldKid);

    const kids = (await fetchJwks(server.url)).keys.map((key) => key.kid);
    assert.ok(kids.includes(oldKid), `the JWKS dropped the old key: ${kids.join(', ')}`);
    assert.ok(kids.includes(rotated.kid), `the JWKS lacks the new key: ${kids.join(', ')}`);

    await assertActive(server.url, seed.backend, before.access_token, 'a token signed by the retired key');
    await verifyAccessToken(server.url, before.access_token, USER_API);
  });

  it('lists the keys, exactly one of them signing', async () => {
    const listed = await cliJson(server, ['keys', 'list']);
    assert.ok(Array.isArray(listed), `keys list --json: ${JSON.stringify(listed)}`);
    assert.equal(listed.length, 2);
    const signing = listed.filter((key) => (key as Record<string, unknown>).signing === true);
    assert.equal(signing.length, 1, JSON.stringify(listed));
    for (const key of listed) {
      const text = JSON.stringify(key);
      assert.ok(!/private|"d"\s*:/i.test(text), `keys list shows private material: ${text}`);
    }
  });

  for (const alg of ['ES256', 'RS256']) {
    it(`rotates to ${alg} on request, and earlier tokens still verify`, async () => {
      const before = await clientCredentialsToken(server.url, seed.backend);
      const previousKid = kidOf(before.access_token);
      assert.ok(previousKid);
      const rotated = await rotateAndAwait(['--alg', alg], previousKid, [alg]);
      assert.notEqual(rotated.kid, previousKid);
      const jwk = (await fetchJwks(server.url)).keys.find((key) => key.kid === rotated.kid);
      assert.equal(jwk?.alg, alg);
      await assertActive(server.url, seed.backend, before.access_token, 'a token signed before the rotation');
    });
  }

  it('refuses an unknown algorithm with exit status 2', async () => {
    const result = await server.cli(['keys', 'rotate', '--alg', 'HS256']);
    assert.equal(result.status, 2, result.stderr);
    assert.equal(result.stderr.trim().split('\n').length, 1, `one line on stderr: ${result.stderr}`);
  });
});
