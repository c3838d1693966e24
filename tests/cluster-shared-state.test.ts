/**
 * State that must be one across nodes, or a client could multiply its chances by spreading requests over the
 * load balancer: a refresh token is consumed once in the whole cluster (a compare-and-set in PostgreSQL), and
 * failed-login counters (server) and rate-limit windows (gateway) are shared through Redis.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Cluster, startCluster, startGatewayAt } from './support/cluster.js';
import type { GatewayUnderTest } from './support/gateway.js';
import { asObject, assertOAuthError, type HttpResult, postForm } from './support/http.js';
import { privateRedisUnavailable, type PrivateRedis, startPrivateRedis } from './support/private-redis.js';
import { callWith } from './support/refusal.js';
import { addClient, addUser, seedStandard, type StandardSeed, USER_API } from './support/seed.js';
import {
  createThrowawayDatabase,
  sharedPostgresSkipReason,
  type ThrowawayDatabase,
} from './support/postgres-database.js';
import { assertInactive, clientCredentialsToken, passwordToken, refreshRequest } from './support/tokens.js';
import type { TollgateProcess } from './support/tollgate.js';
import { type RecordingUpstream, startRecordingUpstream } from './support/upstream.js';

const USES_PER_NODE = 10;
const ROUNDS = 3;
const PER_TOKEN_LIMIT = 6;
/** Failed logins of one account before it is refused, counted across the cluster. */
const BLOCK_AFTER = 4;
const BRUTE_FORCE = {
  windowSeconds: 60,
  account: { slowAfter: BLOCK_AFTER, blockAfter: BLOCK_AFTER },
  // Every test request comes from 127.0.0.1: keep the per-address limit out of the way.
  address: { slowAfter: 10_000, blockAfter: 10_000 },
  delayStepMs: 0,
  maxDelayMs: 0,
};

const skip = (await sharedPostgresSkipReason()) || privateRedisUnavailable();

function summarize(results: readonly HttpResult[]): string {
  return results.map((result) => `${result.status} ${result.text.slice(0, 120)}`).join('\n');
}

describe('state shared by a cluster of two servers and two gateways', { skip }, () => {
  let database: ThrowawayDatabase;
  let redis: PrivateRedis;
  let cluster: Cluster;
  let nodeA: TollgateProcess;
  let nodeB: TollgateProcess;
  let seed: StandardSeed;
  let upstream: RecordingUpstream;
  let gatewayA: GatewayUnderTest;
  let gatewayB: GatewayUnderTest;
  const carol = { username: 'carol', password: 'carol has a long password too' };

  before(async () => {
    database = await createThrowawayDatabase();
    redis = await startPrivateRedis();
    cluster = await startCluster({
      databaseUrl: database.url(),
      redisUrl: redis.url,
      config: { bruteForce: BRUTE_FORCE },
    });
    [nodeA, nodeB] = cluster.nodes as [TollgateProcess, TollgateProcess];
    seed = await seedStandard(nodeA);
    const [streamClient] = await Promise.all([
      addClient(nodeA, 'verifiers', { scopes: ['read:data'] }),
      addUser(nodeB, carol.username, carol.password, ['read:data']),
    ]);
    upstream = await startRecordingUpstream();
    const settings = {
      audience: USER_API,
      client: streamClient,
      redis: { url: redis.url },
      routes: [
        {
          path: '/limited',
          upstream: upstream.url,
          scopes: ['read:data'],
          rateLimit: { perToken: { requests: PER_TOKEN_LIMIT, windowSeconds: 60 } },
        },
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

  it(`lets at most one of ${USES_PER_NODE} concurrent uses at each node of one refresh token succeed, and revokes the family`, async () => {
    for (let round = 0; round < ROUNDS; round += 1) {
      const tokens = await passwordToken(nodeA.url, seed.backend, seed.user);
      const refreshToken = tokens.refresh_token;
      assert.ok(refreshToken);
      const results = await Promise.all(
        [nodeA, nodeB].flatMap((node) =>
          Array.from({ length: USES_PER_NODE }, () => refreshRequest(node.url, refreshToken, seed.backend)),
        ),
      );
      const winners = results.filter((result) => result.status === 200);
      assert.ok(winners.length <= 1, `${winners.length} uses succeeded:\n${summarize(results)}`);
      for (const result of results) {
        if (result.status !== 200) assertOAuthError(result, 400, 'invalid_grant');
      }
      // The losers replayed a consumed token, which revokes the family (RFC 9700 4.14.2), at both nodes.
      const winner = winners[0] ? asObject(winners[0].json) : undefined;
      if (winner === undefined) continue;
      for (const node of [nodeA, nodeB]) {
        assertOAuthError(
          await refreshRequest(node.url, winner.refresh_token as string, seed.backend),
          400,
          'invalid_grant',
        );
        await assertInactive(node.url, seed.backend, winner.access_token as string, 'the winner of a raced family');
      }
    }
    assert.ok(nodeA.alive() && nodeB.alive(), 'both servers survived the race');
  });

  it(`refuses a login at A after ${BLOCK_AFTER} failures spread over A and B`, async () => {
    const login = (node: TollgateProcess, password: string) =>
      postForm(
        `${node.url}/token`,
        { grant_type: 'password', username: carol.username, password },
        { basic: seed.backend },
      );
    for (let attempt = 0; attempt < BLOCK_AFTER; attempt += 1) {
      const node = attempt % 2 === 0 ? nodeA : nodeB;
      assertOAuthError(await login(node, `wrong ${attempt}`), 400, 'invalid_grant');
    }
    // Each node saw only half the failures: only a shared counter blocks now, even the right password.
    for (const node of [nodeA, nodeB]) {
      const refused = await login(node, carol.password);
      assertOAuthError(refused, 429, 'invalid_request');
      assert.match(refused.headers.get('retry-after') ?? '', /^\d+$/, 'Retry-After on the refusal');
    }
  });

  it(`shares a per-token rate limit of ${PER_TOKEN_LIMIT} between gateway A and gateway B`, async () => {
    const { access_token: token } = await clientCredentialsToken(nodeA.url, seed.backend);
    for (let call = 0; call < PER_TOKEN_LIMIT; call += 1) {
      const gateway = call % 2 === 0 ? gatewayA : gatewayB;
      const result = await callWith(`${gateway.url}/limited`, token);
      assert.equal(result.status, 200, `call ${call + 1} of ${PER_TOKEN_LIMIT}: ${result.status} ${result.text}`);
    }
    for (const gateway of [gatewayA, gatewayB]) {
      const result = await callWith(`${gateway.url}/limited`, token);
      assert.equal(result.status, 429, `over the shared limit: ${result.status} ${result.text}`);
      assert.match(result.headers.get('retry-after') ?? '', /^\d+$/, 'Retry-After on a 429');
    }
  });
});
