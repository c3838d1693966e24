/**
 * Redis is an accelerator, not a dependency: with the cluster's Redis killed (SIGKILL), tokens are still issued
 * and verified, a revocation at server A still reaches gateway B (the database poll stands in for the pub/sub
 * nudge) within about a second, and each gateway goes on enforcing rate limits on its own. Redis back on the
 * same port is picked up again without restarting anything.
 */
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { after, before, describe, it, type TestContext } from 'node:test';
import { type Cluster, startCluster, startGatewayAt } from './support/cluster.js';
import type { GatewayUnderTest } from './support/gateway.js';
import { privateRedisUnavailable, type PrivateRedis, startPrivateRedis } from './support/private-redis.js';
import { assertAccepted, callWith, firstRefusal } from './support/refusal.js';
import { addClient, seedStandard, type StandardSeed, USER_API } from './support/seed.js';
import {
  createThrowawayDatabase,
  sharedPostgresSkipReason,
  type ThrowawayDatabase,
} from './support/postgres-database.js';
import { clientCredentialsToken, jsonLogin, revoke } from './support/tokens.js';
import type { TollgateProcess } from './support/tollgate.js';
import { type RecordingUpstream, startRecordingUpstream } from './support/upstream.js';
import { waitUntil } from './support/wait.js';

/** The product's promise with Redis up. */
const BUDGET_MS = 1_000;
/** Without Redis the nudge is gone and the database poll (about a second) carries revocations. */
const FALLBACK_BUDGET_MS = 1_500;
/** Nothing may wait on a dead Redis for longer than this. */
const NO_HANG_MS = 3_000;
const PER_TOKEN_LIMIT = 4;

const skip = (await sharedPostgresSkipReason()) || privateRedisUnavailable();

describe('the cluster with its Redis down', { skip }, () => {
  let database: ThrowawayDatabase;
  let redis: PrivateRedis;
  let cluster: Cluster;
  let nodeA: TollgateProcess;
  let nodeB: TollgateProcess;
  let seed: StandardSeed;
  let upstream: RecordingUpstream;
  let gatewayA: GatewayUnderTest;
  let gatewayB: GatewayUnderTest;

  before(async () => {
    database = await createThrowawayDatabase();
    redis = await startPrivateRedis();
    cluster = await startCluster({ databaseUrl: database.url(), redisUrl: redis.url });
    [nodeA, nodeB] = cluster.nodes as [TollgateProcess, TollgateProcess];
    seed = await seedStandard(nodeA);
    const streamClient = await addClient(nodeA, 'verifiers', { scopes: ['read:data'] });
    upstream = await startRecordingUpstream();
    const limit = { perToken: { requests: PER_TOKEN_LIMIT, windowSeconds: 60 } };
    const settings = {
      audience: USER_API,
      client: streamClient,
      redis: { url: redis.url },
      routes: [
        { path: '/data', upstream: upstream.url, scopes: ['read:data'] },
        { path: '/limited', upstream: upstream.url, scopes: ['read:data'], rateLimit: limit },
      ],
    };
    [gatewayA, gatewayB] = await Promise.all([
      startGatewayAt(cluster, nodeA, settings),
      startGatewayAt(cluster, nodeB, settings),
    ]);
  });
  after(async () => {
    await Promise.all([gatewayA?.close(), gatewayB?.close(), upstream?.close()]);
    await cluster?.stop();
    await redis?.stop();
    await database?.drop();
  });

  /** Logs in at A, checks gateway B accepts, revokes at A; resolves with how long gateway B went on accepting. */
  async function revocationDelayMs(): Promise<number> {
    const { access_token: token } = await jsonLogin(nodeA.url, seed.user.username, seed.user.password);
    await assertAccepted(`${gatewayB.url}/data`, token, 'gateway B before the revocation');
    await revoke(nodeA.url, undefined, token);
    const refusal = await firstRefusal(`${gatewayB.url}/data`, token, performance.now());
    assert.equal(refusal.result.status, 401, refusal.result.text);
    return refusal.elapsedMs;
  }

  async function assertPropagation(t: TestContext, rounds: number, budgetMs: number, what: string): Promise<void> {
    const times: number[] = [];
    for (let round = 0; round < rounds; round += 1) times.push(await revocationDelayMs());
    t.diagnostic(`${what}: gateway B refused after ${times.map((ms) => Math.round(ms)).join(', ')} ms`);
    assert.ok(Math.max(...times) < budgetMs, `${what}: slowest ${Math.round(Math.max(...times))} ms`);
  }

  it(`carries a revocation at A to gateway B within ${BUDGET_MS} ms while Redis is up`, async (t) => {
    await assertPropagation(t, 3, BUDGET_MS, 'Redis up');
  });

  it('issues and verifies tokens at both nodes once Redis is killed, without waiting on it', async () => {
    await redis.kill9();
    for (const node of [nodeA, nodeB, nodeA, nodeB]) {
      const started = performance.now();
      const { access_token: token } = await clientCredentialsToken(node.url, seed.backend);
      await jsonLogin(node.url, seed.user.username, seed.user.password);
      for (const gateway of [gatewayA, gatewayB]) await assertAccepted(`${gateway.url}/data`, token, 'a gateway');
      const elapsedMs = performance.now() - started;
      assert.ok(elapsedMs < NO_HANG_MS, `two token requests and two verifications took ${Math.round(elapsedMs)} ms`);
    }
  });

  it(`carries a revocation at A to gateway B within ${FALLBACK_BUDGET_MS} ms without Redis`, async (t) => {
    assert.equal(redis.alive(), false);
    await assertPropagation(t, 3, FALLBACK_BUDGET_MS, 'Redis down');
  });

  it(`enforces a rate limit of ${PER_TOKEN_LIMIT} per token at each gateway without Redis`, async () => {
    assert.equal(redis.alive(), false);
    const { access_token: token } = await clientCredentialsToken(nodeB.url, seed.backend);
    for (let call = 1; call <= PER_TOKEN_LIMIT; call += 1) {
      const result = await callWith(`${gatewayA.url}/limited`, token);
      assert.equal(result.status, 200, `call ${call} of ${PER_TOKEN_LIMIT}: ${result.status} ${result.text}`);
    }
    const over = await callWith(`${gatewayA.url}/limited`, token);
    assert.equal(over.status, 429, `over the limit at gateway A: ${over.status} ${over.text}`);
  });

  it('shares rate limits and nudges revocations again once Redis is back on the same port', async (t) => {
    await redis.start();
    // The gateways' and servers' clients reconnect on their own schedule; a fresh token per try.
    const shared = await waitUntil(
      'gateway A and gateway B share a rate-limit window again',
      async () => {
        const { access_token: token } = await clientCredentialsToken(nodeA.url, seed.backend);
        for (let call = 0; call < PER_TOKEN_LIMIT; call += 1) {
          await callWith(`${(call % 2 === 0 ? gatewayA : gatewayB).url}/limited`, token);
        }
        return (await callWith(`${gatewayB.url}/limited`, token)).status === 429 ? true : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 250 },
    );
    t.diagnostic(`rate limits were shared again ${shared.elapsedMs} ms after Redis came back`);
    await assertPropagation(t, 3, BUDGET_MS, 'Redis back');
  });
});
