/**
 * Each server keeps clients and APIs in memory for its token endpoint (core catalog/catalog-cache.ts), so a change
 * made through one node must reach the others as a revocation does: a client deleted or given a new secret, or an
 * API removed or given other scopes, at node A is in force at node B within a second. With Redis the nudge that
 * carries revocations clears B's memory at once; without it, nothing B holds is older than half a second.
 */
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { type AdminClient, addDashboardUser, signIn } from './support/admin-api.js';
import { type Cluster, startCluster } from './support/cluster.js';
import { type ClientCredentials, type HttpResult, postForm } from './support/http.js';
import { privateRedisUnavailable, type PrivateRedis, startPrivateRedis } from './support/private-redis.js';
import {
  createThrowawayDatabase,
  sharedPostgresSkipReason,
  type ThrowawayDatabase,
} from './support/postgres-database.js';
import { addApi, addClient } from './support/seed.js';
import { clientCredentialsToken } from './support/tokens.js';
import type { TollgateProcess } from './support/tollgate.js';

const BUDGET_MS = 1_000;
const GIVE_UP_MS = 5_000;
const ADMIN = { username: 'root', password: 'a long admin password for the cluster' };

/**
 * Sends `send` until `settled` holds for its answer. `staleForMs` is how long after `since` B was still seen in the
 * old state: the send time of the last request answered the old way (0 if none was). A request sent at that time
 * reached B no earlier, so B certainly served the old state that late; measuring at the answer instead would add
 * the request's own latency (an argon2 secret check, on a loaded machine), which says nothing about the cache.
 */
async function firstAnswer(
  what: string,
  send: () => Promise<HttpResult>,
  settled: (result: HttpResult) => boolean,
  since: number,
): Promise<{ result: HttpResult; staleForMs: number; answeredAfterMs: number }> {
  let staleForMs = 0;
  for (;;) {
    const sentAtMs = performance.now() - since;
    const result = await send();
    const answeredAfterMs = performance.now() - since;
    if (settled(result)) return { result, staleForMs, answeredAfterMs };
    staleForMs = sentAtMs;
    if (answeredAfterMs > GIVE_UP_MS) {
      assert.fail(`${what}: still ${result.status} ${result.text} after ${Math.round(answeredAfterMs)} ms`);
    }
    await sleep(20);
  }
}

function tokenAt(node: TollgateProcess, client: ClientCredentials, params: Record<string, string> = {}) {
  return () => postForm(`${node.url}/token`, { grant_type: 'client_credentials', ...params }, { basic: client });
}

const refusedWith = (status: number, error: string) => (result: HttpResult) =>
  result.status === status && (result.json as { error?: unknown } | undefined)?.error === error;

function describeCluster(name: string, withRedis: boolean, skip: string | false | undefined): void {
  describe(name, { skip }, () => {
    let database: ThrowawayDatabase;
    let redis: PrivateRedis | undefined;
    let cluster: Cluster;
    let nodeA: TollgateProcess;
    let nodeB: TollgateProcess;
    let adminAtA: AdminClient;
    let api = 0;

    before(async () => {
      database = await createThrowawayDatabase();
      redis = withRedis ? await startPrivateRedis() : undefined;
      cluster = await startCluster({
        databaseUrl: database.url(),
        ...(redis === undefined ? {} : { redisUrl: redis.url }),
      });
      [nodeA, nodeB] = cluster.nodes as [TollgateProcess, TollgateProcess];
      await addDashboardUser(nodeA, ADMIN.username, ADMIN.password, { admin: true });
      adminAtA = await signIn(nodeA.url, ADMIN.username, ADMIN.password);
    });
    after(async () => {
      await cluster?.stop();
      await redis?.stop();
      await database?.drop();
    });

    /** A fresh API and a client of it only, whose tokens B has already issued (so B holds both in memory). */
    async function clientKnownToB(): Promise<{ identifier: string; client: ClientCredentials }> {
      api += 1;
      const identifier = `https://api.example.com/catalog-${api}`;
      await addApi(nodeA, identifier, ['x:read', 'x:write']);
      const client = await addClient(nodeA, `catalog-${api}`, { scopes: ['x:read', 'x:write'], apis: [identifier] });
      // Added by the CLI, which reaches B only through the catalog's age bound: B may answer from what it held a
      // moment ago (an unknown client or API) until then, which is what the tests below measure, not a setup to assert.
      await firstAnswer(
        'the new client and API at B',
        tokenAt(nodeB, client, { resource: identifier }),
        (r) => r.status === 200,
        performance.now(),
      );
      for (let warm = 0; warm < 2; warm += 1) {
        const token = await clientCredentialsToken(nodeB.url, client, { resource: identifier });
        assert.equal(token.scope, 'x:read x:write');
      }
      return { identifier, client };
    }

    it(`refuses at B within ${BUDGET_MS} ms a client deleted at A`, async (t) => {
      const { client } = await clientKnownToB();
      const deleted = await adminAtA.delete(`/clients/${encodeURIComponent(client.clientId)}`);
      assert.equal(deleted.status, 204, deleted.text);
      const { staleForMs } = await firstAnswer(
        'the deleted client at B',
        tokenAt(nodeB, client),
        refusedWith(401, 'invalid_client'),
        performance.now(),
      );
      t.diagnostic(`B took the deleted client for ${Math.round(staleForMs)} ms`);
      assert.ok(staleForMs < BUDGET_MS, `B took the deleted client for ${Math.round(staleForMs)} ms`);
    });

    it(`refuses at B within ${BUDGET_MS} ms the secret a client had before A regenerated it`, async (t) => {
      const { identifier, client } = await clientKnownToB();
      const rotated = await adminAtA.post(`/clients/${encodeURIComponent(client.clientId)}/rotate-secret`);
      assert.equal(rotated.status, 200, rotated.text);
      const since = performance.now();
      const old = await firstAnswer(
        'the old secret at B',
        tokenAt(nodeB, client, { resource: identifier }),
        refusedWith(401, 'invalid_client'),
        since,
      );
      const renewed = {
        clientId: client.clientId,
        clientSecret: (rotated.json as { clientSecret: string }).clientSecret,
      };
      const fresh = await firstAnswer(
        'the new secret at B',
        tokenAt(nodeB, renewed, { resource: identifier }),
        (result) => result.status === 200,
        since,
      );
      t.diagnostic(`B took the old secret for ${Math.round(old.staleForMs)} ms`);
      assert.ok(old.staleForMs < BUDGET_MS, `B took the old secret for ${Math.round(old.staleForMs)} ms`);
      assert.ok(fresh.staleForMs < BUDGET_MS, `B refused the new secret for ${Math.round(fresh.staleForMs)} ms`);
    });

    it(`grants at B within ${BUDGET_MS} ms only the scopes an API has after A changed them`, async (t) => {
      const { identifier, client } = await clientKnownToB();
      const changed = await adminAtA.patch(`/apis/${encodeURIComponent(identifier)}`, { scopes: ['x:read'] });
      assert.equal(changed.status, 200, changed.text);
      const { staleForMs } = await firstAnswer(
        'the narrowed API at B',
        tokenAt(nodeB, client, { resource: identifier }),
        (result) => result.status === 200 && (result.json as { scope?: unknown }).scope === 'x:read',
        performance.now(),
      );
      t.diagnostic(`B granted the old scopes for ${Math.round(staleForMs)} ms`);
      assert.ok(staleForMs < BUDGET_MS, `B granted the old scopes for ${Math.round(staleForMs)} ms`);
    });

    it(`refuses at B within ${BUDGET_MS} ms an API removed at A`, async (t) => {
      const { identifier, client } = await clientKnownToB();
      const removed = await adminAtA.delete(`/apis/${encodeURIComponent(identifier)}`);
      assert.equal(removed.status, 204, removed.text);
      const { staleForMs } = await firstAnswer(
        'the removed API at B',
        tokenAt(nodeB, client, { resource: identifier }),
        refusedWith(400, 'invalid_target'),
        performance.now(),
      );
      t.diagnostic(`B issued tokens for the removed API for ${Math.round(staleForMs)} ms`);
      assert.ok(staleForMs < BUDGET_MS, `B issued tokens for the removed API for ${Math.round(staleForMs)} ms`);
    });
  });
}

const postgres = await sharedPostgresSkipReason();
describeCluster('two servers sharing PostgreSQL: clients and APIs changed at one', false, postgres);
describeCluster(
  'two servers sharing PostgreSQL and Redis: clients and APIs changed at one',
  true,
  postgres || privateRedisUnavailable(),
);
