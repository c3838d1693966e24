/**
 * Brute-force limits hold under concurrency: an attempt is counted before its secret is checked, so of 30
 * guesses sent at once for one account with `blockAfter: 10`, exactly 10 reach the password (or client secret)
 * check and the other 20 are refused with 429, whether the counter lives in the server's memory or in Redis
 * shared by two servers. A right secret refunds its attempt.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Cluster, startCluster } from './support/cluster.js';
import {
  assertOAuthError,
  assertTokenResponse,
  type ClientCredentials,
  type HttpResult,
  postForm,
} from './support/http.js';
import {
  createThrowawayDatabase,
  sharedPostgresSkipReason,
  type ThrowawayDatabase,
} from './support/postgres-database.js';
import { type PrivateRedis, privateRedisUnavailable, startPrivateRedis } from './support/private-redis.js';
import { addClient, addUser, seedStandard } from './support/seed.js';
import { startTollgate, type TollgateProcess } from './support/tollgate.js';

const BLOCK_AFTER = 10;
const CONCURRENT = 30;
const BRUTE_FORCE = {
  windowSeconds: 600,
  account: { slowAfter: BLOCK_AFTER, blockAfter: BLOCK_AFTER },
  // Every request comes from 127.0.0.1: keep the per-address limit out of the way.
  address: { slowAfter: 100_000, blockAfter: 100_000 },
  delayStepMs: 0,
  maxDelayMs: 0,
};

function login(node: TollgateProcess, username: string, password: string): Promise<HttpResult> {
  return postForm(`${node.url}/token`, { grant_type: 'password', username, password });
}

function clientCredentials(node: TollgateProcess, client: ClientCredentials): Promise<HttpResult> {
  return postForm(`${node.url}/token`, { grant_type: 'client_credentials' }, { basic: client });
}

/** Exactly `checked` answers of the check's own failure, and every other one a 429 lockout. */
function assertExactlyChecked(results: readonly HttpResult[], failure: { status: number; error: string }): void {
  const checked = results.filter((result) => result.status === failure.status);
  const refused = results.filter((result) => result.status === 429);
  const summary = results.map((result) => result.status).join(' ');
  assert.equal(checked.length, BLOCK_AFTER, `${BLOCK_AFTER} checked attempts expected, got: ${summary}`);
  assert.equal(refused.length, results.length - BLOCK_AFTER, `the rest refused with 429, got: ${summary}`);
  for (const result of checked) assertOAuthError(result, failure.status, failure.error);
  for (const result of refused) assertOAuthError(result, 429, 'invalid_request');
}

const WRONG_PASSWORD = { status: 400, error: 'invalid_grant' };
const WRONG_SECRET = { status: 401, error: 'invalid_client' };

/** The guarantees, against nodes that share one counter (one node: its memory; several: Redis). */
function guarantees(nodes: () => readonly TollgateProcess[]): void {
  const node = (index: number) => nodes()[index % nodes().length] as TollgateProcess;
  const spread = <T>(make: (node: TollgateProcess, index: number) => Promise<T>) =>
    Promise.all(Array.from({ length: CONCURRENT }, (_, index) => make(node(index), index)));

  it(`lets exactly ${BLOCK_AFTER} of ${CONCURRENT} concurrent wrong passwords reach the password check`, async () => {
    await addUser(node(0), 'victim', 'victim has a long password', ['read:data']);
    assertExactlyChecked(await spread((at, index) => login(at, 'victim', `guess ${index}`)), WRONG_PASSWORD);
    assertOAuthError(await login(node(1), 'victim', 'victim has a long password'), 429, 'invalid_request');
  });

  it('admits a right password after a few failures, and the success refunds them', async () => {
    const password = 'walter has a long password';
    await addUser(node(0), 'walter', password, ['read:data']);
    for (let attempt = 0; attempt < 3; attempt += 1) {
      assertOAuthError(await login(node(attempt), 'walter', `wrong ${attempt}`), 400, 'invalid_grant');
    }
    assertTokenResponse(await login(node(1), 'walter', password));
    // A clean slate: the full allowance again, not what the three failures (or the success) left of it.
    assertExactlyChecked(await spread((at, index) => login(at, 'walter', `guess ${index}`)), WRONG_PASSWORD);
  });

  it(`lets exactly ${BLOCK_AFTER} of ${CONCURRENT} concurrent wrong client secrets reach the secret check`, async () => {
    const client = await addClient(node(0), 'brute-cold', { scopes: ['read:data'] });
    const guesses = await spread((at, index) =>
      clientCredentials(at, { clientId: client.clientId, clientSecret: `wrong secret ${index}` }),
    );
    assertExactlyChecked(guesses, WRONG_SECRET);
    assertOAuthError(await clientCredentials(node(1), client), 429, 'invalid_request');
  });

  it('counts wrong secrets as exactly for a client whose right secret the server already remembers', async () => {
    const client = await addClient(node(0), 'brute-warm', { scopes: ['read:data'] });
    for (let index = 0; index < nodes().length; index += 1)
      assertTokenResponse(await clientCredentials(node(index), client));
    const guesses = await spread((at, index) =>
      clientCredentials(at, { clientId: client.clientId, clientSecret: `wrong secret ${index}` }),
    );
    assertExactlyChecked(guesses, WRONG_SECRET);
    assertOAuthError(await clientCredentials(node(1), client), 429, 'invalid_request');
  });

  it(`issues a token to each of ${CONCURRENT} concurrent requests with a right client secret`, async () => {
    const client = await addClient(node(0), 'burst', { scopes: ['read:data'] });
    for (const result of await spread((at) => clientCredentials(at, client))) assertTokenResponse(result);
  });
}

describe('brute-force limits under concurrency, counted in one server', () => {
  let server: TollgateProcess;
  before(async () => {
    server = await startTollgate({ config: { bruteForce: BRUTE_FORCE } });
    await seedStandard(server);
  });
  after(() => server?.stop());

  guarantees(() => [server]);
});

const clusterSkip = (await sharedPostgresSkipReason()) || privateRedisUnavailable();

describe('brute-force limits under concurrency, counted in Redis by two servers', { skip: clusterSkip }, () => {
  let database: ThrowawayDatabase;
  let redis: PrivateRedis;
  let cluster: Cluster;
  before(async () => {
    database = await createThrowawayDatabase();
    redis = await startPrivateRedis();
    cluster = await startCluster({
      databaseUrl: database.url(),
      redisUrl: redis.url,
      config: { bruteForce: BRUTE_FORCE },
    });
    await seedStandard(cluster.nodes[0] as TollgateProcess);
  });
  after(async () => {
    await cluster?.stop();
    await redis?.stop();
    await database?.drop();
  });

  guarantees(() => cluster.nodes);
});
