/**
 * A node judges a token signed by a key another node rotated in a moment ago instead of calling it unknown: two
 * servers share one PostgreSQL database, B rotates and signs at once, and A, whose once-a-second key reload has not
 * run yet, revokes and introspects that token correctly. Revocation never acknowledges a token it did not judge
 * (RFC 7009 2.2 allows 200 only for tokens that are not ours).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BearerError, createVerifier, type Verifier } from '@tollgate/verify';
import { type AdminClient, addDashboardUser, signIn } from './support/admin-api.js';
import { type Cluster, routedFetch, startCluster } from './support/cluster.js';
import { postForm } from './support/http.js';
import { kidOf } from './support/jwt.js';
import { addClient, seedStandard, type StandardSeed, USER_API } from './support/seed.js';
import {
  createThrowawayDatabase,
  sharedPostgresSkipReason,
  type ThrowawayDatabase,
} from './support/postgres-database.js';
import { assertActive, assertInactive, clientCredentialsToken } from './support/tokens.js';
import type { TollgateProcess } from './support/tollgate.js';
import { waitUntil } from './support/wait.js';

const ADMIN = { username: 'root', password: 'a long admin password for the cluster' };

const skip = await sharedPostgresSkipReason();

describe('a node meeting a key another node just rotated in', { skip }, () => {
  let database: ThrowawayDatabase;
  let cluster: Cluster;
  let nodeA: TollgateProcess;
  let nodeB: TollgateProcess;
  let seed: StandardSeed;
  let adminAtB: AdminClient;
  let verifierAtA: Verifier;

  before(async () => {
    database = await createThrowawayDatabase();
    cluster = await startCluster({ databaseUrl: database.url() });
    [nodeA, nodeB] = cluster.nodes as [TollgateProcess, TollgateProcess];
    seed = await seedStandard(nodeA);
    const [streamClient] = await Promise.all([
      addClient(nodeA, 'verifiers', { scopes: ['read:data'] }),
      addDashboardUser(nodeB, ADMIN.username, ADMIN.password, { scopes: ['read:data'], admin: true }),
    ]);
    adminAtB = await signIn(nodeB.url, ADMIN.username, ADMIN.password);
    verifierAtA = createVerifier({
      issuer: cluster.issuer,
      audience: USER_API,
      client: streamClient,
      cacheSize: 0,
      fetch: routedFetch(cluster.issuer, () => nodeA.url),
    });
    await verifierAtA.ready();
  });
  after(async () => {
    await verifierAtA?.close();
    await cluster?.stop();
    await database?.drop();
  });

  /** Rotates at B through the admin API (B signs with the new key at once) and issues a token there. */
  async function tokenOfKeyJustRotatedAtB(): Promise<string> {
    const rotated = await adminAtB.post('/keys/rotate', { now: true });
    assert.equal(rotated.status, 201, rotated.text);
    const { kid } = rotated.json as { kid: string };
    const { access_token: token } = await clientCredentialsToken(nodeB.url, seed.backend);
    assert.equal(kidOf(token), kid, 'B signs with the key it just rotated in');
    return token;
  }

  it('revokes at A a token of the new key at once, and every verifier refuses it', async () => {
    const token = await tokenOfKeyJustRotatedAtB();
    const revoked = await postForm(`${nodeA.url}/revoke`, { token }, { basic: seed.backend });
    assert.equal(revoked.status, 200, revoked.text);
    await assertInactive(nodeA.url, seed.backend, token, 'the token revoked at A, asked at A');
    await assertInactive(nodeB.url, seed.backend, token, 'the token revoked at A, asked at B');
    await waitUntil(
      'the SDK verifier refuses the revoked token',
      async () => {
        const outcome = await verifierAtA.verify(token).then(
          () => undefined,
          (error: unknown) => error,
        );
        return outcome instanceof BearerError && outcome.code === 'ERR_TOKEN_REVOKED' ? outcome : undefined;
      },
      { timeoutMs: 5_000, intervalMs: 50 },
    );
  });

  it('introspects at A a fresh token of the new key as active', async () => {
    const token = await tokenOfKeyJustRotatedAtB();
    const body = await assertActive(nodeA.url, seed.backend, token, 'a valid token of the key rotated at B');
    assert.equal(body.client_id, seed.backend.clientId);
  });

  it('still answers 200 at /revoke for a token of a key no node has', async () => {
    const token = await tokenOfKeyJustRotatedAtB();
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const decoded = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as Record<string, unknown>;
    const foreignHeader = Buffer.from(JSON.stringify({ ...decoded, kid: 'no-such-key' })).toString('base64url');
    const foreign = `${foreignHeader}.${payload}.${signature}`;
    const revoked = await postForm(`${nodeA.url}/revoke`, { token: foreign }, { basic: seed.backend });
    assert.equal(revoked.status, 200, revoked.text);
    await assertInactive(nodeA.url, seed.backend, foreign, 'a token naming an unknown key');
  });
});
