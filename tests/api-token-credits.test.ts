/**
 * API-token credits and per-token rate limits, end to end: set through the admin API, reported by introspection,
 * enforced by the gateway (one, and two sharing Redis) and by the SDK, exactly under concurrency: the server takes
 * each request's credits in one atomic step in its database. Refills happen at the UTC day boundary of the server's
 * test clock, which the test moves instead of waiting. When the server cannot take credits, nothing is admitted.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { type AdminClient, addDashboardUser, assertAdminError, signIn } from './support/admin-api.js';
import { type BurstAnswer, burst, nextUtcMidnight, ServerClock, statusCounts } from './support/credits.js';
import { type GatewayUnderTest, startGatewayFor } from './support/gateway.js';
import { freePort } from './support/ports.js';
import { assertOAuthError, type ClientCredentials, postJson, request } from './support/http.js';
import { type ProtectedApi, startProtectedApi } from './support/protected.js';
import { ADMIN_API, addClient, cliJson, seedStandard, USER_API } from './support/seed.js';
import { introspect } from './support/tokens.js';
import { startTollgate, type TollgateProcess } from './support/tollgate.js';
import { type RecordingUpstream, startRecordingUpstream } from './support/upstream.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const BURST = 1_000;
const CREDITS = 100;
const ROUTE_PER_TOKEN_LIMIT = 1_000;

interface Quotas {
  credits?: { remaining: number; refill?: { amount: number; interval: 'day' | 'month' } | null } | null;
  rateLimit?: { requests: number; windowSeconds: number } | null;
}

describe('API-token credits and rate limits', () => {
  let clockDir: string;
  let clock: ServerClock;
  let server: TollgateProcess;
  let verifierClient: ClientCredentials;
  let upstream: RecordingUpstream;
  let gateway: GatewayUnderTest;
  let metricsPort: number;
  let redisGateways: GatewayUnderTest[] = [];
  let sdkApi: ProtectedApi;
  let root: AdminClient;
  let seed: Awaited<ReturnType<typeof seedStandard>>;

  before(async () => {
    clockDir = await mkdtemp(join(tmpdir(), 'tollgate-credits-clock-'));
    clock = new ServerClock(join(clockDir, 'offset-ms'));
    server = await startTollgate({ env: { TOLLGATE_TEST_CLOCK_FILE: clock.file } });
    seed = await seedStandard(server);
    verifierClient = await addClient(server, 'verifiers', { scopes: ['read:data'], apis: [USER_API] });
    await addDashboardUser(server, 'root', 'root has a long password', { admin: true });
    root = await signIn(server.url, 'root', 'root has a long password');
    upstream = await startRecordingUpstream();
    const settings = (extra: Record<string, unknown> = {}) => ({
      issuer: server.url,
      audience: USER_API,
      client: verifierClient,
      routes: [
        { path: '/data', upstream: upstream.url },
        { path: '/expensive', upstream: upstream.url, creditCost: 5 },
        {
          path: '/limited',
          upstream: upstream.url,
          rateLimit: { perToken: { requests: ROUTE_PER_TOKEN_LIMIT, windowSeconds: 60 } },
        },
      ],
      ...extra,
    });
    metricsPort = await freePort();
    gateway = await startGatewayFor(settings({ metrics: { listen: { port: metricsPort } } }));
    redisGateways = await Promise.all([
      startGatewayFor(settings({ redis: { url: REDIS_URL } })),
      startGatewayFor(settings({ redis: { url: REDIS_URL } })),
    ]);
    sdkApi = await startProtectedApi({ issuer: server.url, audience: USER_API, client: verifierClient });
  });
  after(async () => {
    await Promise.all([gateway?.close(), ...redisGateways.map((g) => g.close()), sdkApi?.close(), upstream?.close()]);
    await server?.stop();
    await rm(clockDir, { recursive: true, force: true });
  });

  async function createToken(name: string, quotas: Quotas): Promise<{ id: string; secret: string }> {
    const body = { name, apis: [USER_API], scopes: ['read:data'], owner: { kind: 'user', username: 'alice' } };
    const created = await root.post('/tokens', { ...body, ...quotas });
    assert.equal(created.status, 201, created.text);
    const json = created.json as { token: { id: string }; secret: string };
    return { id: json.token.id, secret: json.secret };
  }

  function assertExhausted(answer: BurstAnswer, refillsAtIso: string | undefined): void {
    assert.equal(answer.status, 429);
    const body = JSON.parse(answer.body) as { error: string; error_description: string };
    assert.equal(body.error, 'credits_exhausted');
    assert.match(body.error_description, /credits quota is exhausted: 0 remaining, this request costs 1/);
    assert.equal(answer.headers.get('www-authenticate'), null, 'a 429 carries no challenge');
    assert.equal(answer.headers.get('ratelimit-remaining'), '0');
    if (refillsAtIso === undefined) {
      assert.equal(answer.headers.get('retry-after'), null, 'no refill: nothing to wait for');
      return;
    }
    assert.ok(body.error_description.endsWith(`refilled to ${CREDITS} at ${refillsAtIso}`), body.error_description);
  }

  async function assertExactlyCredits(urls: string[], what: string): Promise<void> {
    const token = await createToken(what, { credits: { remaining: CREDITS } });
    const answers = await burst(urls, token.secret, BURST);
    assert.deepEqual(statusCounts(answers), { 200: CREDITS, 429: BURST - CREDITS }, what);
    for (const answer of answers) if (answer.status === 429) assertExhausted(answer, undefined);
    const view = await root.get(`/tokens/${token.id}`);
    assert.equal((view.json as { credits: { remaining: number } }).credits.remaining, 0);
  }

  it('admits exactly 100 of 1,000 concurrent requests against 100 credits through one gateway, and counts each refusal', async () => {
    const refusals = async () => {
      const scrape = await request(`http://127.0.0.1:${metricsPort}/metrics`);
      const line = scrape.text
        .split('\n')
        .find((l) => l.startsWith('tollgate_gateway_refusals_total{reason="credits"}'));
      return Number(line?.slice(line.lastIndexOf(' ') + 1) ?? Number.NaN);
    };
    const before = await refusals();
    await assertExactlyCredits([`${gateway.url}/data`], 'one gateway');
    assert.equal((await refusals()) - before, BURST - CREDITS, 'tollgate_gateway_refusals_total{reason="credits"}');
  });

  it('admits exactly 100 of 1,000 through two gateways sharing Redis', async () => {
    await assertExactlyCredits(
      redisGateways.map((g) => `${g.url}/data`),
      'two gateways',
    );
  });

  it('admits exactly 100 of 1,000 through the SDK', async () => {
    const before = sdkApi.handled();
    await assertExactlyCredits([`${sdkApi.url}/data`], 'the SDK');
    assert.equal(sdkApi.handled() - before, CREDITS, 'only admitted requests reach the handler');
    const token = await createToken('sdk headers', { credits: { remaining: 5 } });
    const admitted = await call(`${sdkApi.url}/data`, token.secret);
    assert.equal(admitted.status, 200);
    assert.equal(admitted.headers.get('ratelimit-remaining'), '4', 'the credits, when no rate limit applies');
  });

  it('shows credits and rate limit in the token view and in introspection', async () => {
    const quotas = {
      credits: { remaining: 40, refill: { amount: 50, interval: 'month' as const } },
      rateLimit: { requests: 10, windowSeconds: 60 },
    };
    const token = await createToken('introspected', quotas);
    const view = (await root.get(`/tokens/${token.id}`)).json as Record<string, unknown>;
    const serverNow = new Date(clock.nowMs());
    const nextMonth = Date.UTC(serverNow.getUTCFullYear(), serverNow.getUTCMonth() + 1, 1) / 1000;
    assert.deepEqual(view.credits, { remaining: 40, refill: { amount: 50, interval: 'month' }, refillsAt: nextMonth });
    assert.deepEqual(view.rateLimit, { requests: 10, windowSeconds: 60 });
    const answer = await introspect(server.url, verifierClient, token.secret);
    assert.deepEqual(answer.credits, {
      remaining: 40,
      refill_amount: 50,
      refill_interval: 'month',
      refills_at: nextMonth,
    });
    assert.deepEqual(answer.rate_limit, { requests: 10, window_seconds: 60 });
  });

  it('refills at the UTC day boundary of the server clock, with Retry-After until then', async () => {
    const token = await createToken('daily', {
      credits: { remaining: 1, refill: { amount: CREDITS, interval: 'day' } },
    });
    assert.equal((await call(`${gateway.url}/data`, token.secret)).status, 200);
    const startedMs = clock.nowMs();
    const refused = await call(`${gateway.url}/data`, token.secret);
    const endedMs = clock.nowMs();
    const midnight = nextUtcMidnight(startedMs);
    assertExhausted(refused, new Date(midnight * 1000).toISOString());
    const retryAfter = Number(refused.headers.get('retry-after'));
    // The server's own clock decides: exact up to the second the request took.
    assert.ok(
      retryAfter >= midnight - Math.ceil(endedMs / 1000) && retryAfter <= midnight - Math.floor(startedMs / 1000),
      `Retry-After ${retryAfter} for a refill at ${midnight}`,
    );
    assert.equal(refused.headers.get('ratelimit-reset'), String(retryAfter));
    assert.equal(refused.headers.get('ratelimit-limit'), String(CREDITS));
    await clock.advance(midnight * 1000 - clock.nowMs() + 1_000);
    // The dashboard session did not survive the jump; the tests after this one need a fresh one.
    root = await signIn(server.url, 'root', 'root has a long password');
    const refilled = await call(`${gateway.url}/data`, token.secret);
    assert.equal(refilled.status, 200, refilled.body);
    assert.equal(refilled.headers.get('ratelimit-remaining'), String(CREDITS - 1), 'set to 100, then one spent');
  });

  it("applies the token's own rate limit in place of the route's, and reports it", async () => {
    const limited = await createToken('own limit', { rateLimit: { requests: 3, windowSeconds: 60 } });
    const plain = await createToken('route limit', {});
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const answer = await call(`${gateway.url}/limited`, limited.secret);
      statuses.push(answer.status);
      assert.equal(answer.headers.get('ratelimit-limit'), '3');
      if (answer.status === 429) {
        assert.equal(JSON.parse(answer.body).error, 'rate_limited');
        assert.ok(Number(answer.headers.get('retry-after')) >= 1);
      }
    }
    assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
    const other = await call(`${gateway.url}/limited`, plain.secret);
    assert.equal(other.status, 200);
    assert.equal(other.headers.get('ratelimit-limit'), String(ROUTE_PER_TOKEN_LIMIT));
  });

  it("applies the token's own rate limit across two gateways sharing Redis", async () => {
    const limited = await createToken('shared limit', { rateLimit: { requests: 10, windowSeconds: 60 } });
    const answers = await burst(
      redisGateways.map((g) => `${g.url}/data`),
      limited.secret,
      40,
      8,
    );
    assert.deepEqual(statusCounts(answers), { 200: 10, 429: 30 });
  });

  it('takes the route cost from the credits', async () => {
    const token = await createToken('costly', { credits: { remaining: 12 } });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await call(`${gateway.url}/expensive`, token.secret)).status);
    assert.deepEqual(statuses, [200, 200, 429]);
    const cheap = await call(`${gateway.url}/data`, token.secret);
    assert.equal(cheap.status, 200);
    assert.equal(cheap.headers.get('ratelimit-remaining'), '1');
    const view = (await root.get(`/tokens/${token.id}`)).json as { credits: { remaining: number } };
    assert.equal(view.credits.remaining, 1);
  });

  it('refuses with 400 and a precise message for bad quotas, and audits what it set', async () => {
    const cases: Array<[Quotas | Record<string, unknown>, string]> = [
      [{ credits: { remaining: -1 } }, 'credits.remaining must be a whole number from 0 to 1000000000000'],
      [
        { credits: { refill: { amount: 5, interval: 'day' } } },
        'credits.remaining is required: a refill needs credits to refill',
      ],
      [
        { credits: { remaining: 5, refill: { amount: 0, interval: 'day' } } },
        'credits.refill.amount must be a whole number from 1 to 1000000000000',
      ],
      [
        { rateLimit: { requests: 10, windowSeconds: 0 } },
        'rateLimit.windowSeconds must be a whole number from 1 to 2764800',
      ],
      [
        { rateLimit: { requests: 1.5, windowSeconds: 10 } },
        'rateLimit.requests must be a whole number from 1 to 1000000',
      ],
    ];
    for (const [quotas, message] of cases) {
      const owner = { kind: 'user', username: 'alice' };
      const body = { name: 'bad', apis: [USER_API], scopes: ['read:data'], owner, ...quotas };
      assert.equal(assertAdminError(await root.post('/tokens', body), 400, 'invalid_request'), message);
    }
    const token = await createToken('audited', { credits: { remaining: 5 } });
    const edited = await root.patch(`/tokens/${token.id}`, {
      credits: { remaining: 9, refill: { amount: 9, interval: 'day' } },
    });
    assert.equal(edited.status, 200, edited.text);
    assert.equal((edited.json as { credits: { remaining: number } }).credits.remaining, 9);
    const audit = (await root.get(`/audit?target=${token.id}`)).json as {
      events: Array<{ action: string; detail: unknown }>;
    };
    const update = audit.events.find((event) => event.action === 'api_token.update');
    const credits = (update?.detail as { credits?: { refilledAt?: unknown } } | undefined)?.credits;
    const refilledAt = credits?.refilledAt;
    assert.ok(typeof refilledAt === 'number' && Math.abs(refilledAt - clock.nowMs() / 1000) < 120, `${refilledAt}`);
    assert.deepEqual(credits, { remaining: 9, refill: { amount: 9, interval: 'day' }, refilledAt });
    const create = audit.events.find((event) => event.action === 'api_token.create');
    assert.equal((create?.detail as { credits?: { remaining?: number } } | undefined)?.credits?.remaining, 5);
  });

  it('sets credits, refill and rate limit from the CLI, and refuses a refill without credits', async () => {
    const base = ['tokens', 'create', '--name', 'cli', '--user', 'alice', '--api', USER_API, '--scope', 'read:data'];
    const created = (await cliJson(server, [
      ...base,
      '--credits',
      '100',
      '--refill',
      '100/day',
      '--rate-limit',
      '10/60s',
    ])) as {
      token: { id: string; credits: unknown; rateLimit: unknown };
    };
    const midnight = nextUtcMidnight(clock.nowMs());
    assert.deepEqual(created.token.credits, {
      remaining: 100,
      refill: { amount: 100, interval: 'day' },
      refillsAt: midnight,
    });
    assert.deepEqual(created.token.rateLimit, { requests: 10, windowSeconds: 60 });
    const id = created.token.id;
    const updated = (await cliJson(server, ['tokens', 'update', id, '--credits', '7', '--clear-rate-limit'])) as {
      credits: { remaining: number; refill: unknown };
      rateLimit: unknown;
    };
    assert.equal(updated.credits.remaining, 7);
    assert.equal(updated.credits.refill, null, 'credits are set as a whole: no --refill, no refill');
    assert.equal(updated.rateLimit, null);
    const unlimited = (await cliJson(server, ['tokens', 'update', id, '--unlimited'])) as { credits: unknown };
    assert.equal(unlimited.credits, null);
    const refused = await server.cli([...base, '--refill', '100/day']);
    assert.notEqual(refused.status, 0);
    assert.match(refused.stderr, /credits\.remaining is required: a refill needs credits to refill/);
    const badWindow = await server.cli([...base, '--credits', '5', '--rate-limit', '10']);
    assert.notEqual(badWindow.status, 0);
    assert.match(badWindow.stderr, /use <requests>\/<window>, e\.g\. 10\/60s/);
  });

  it('keeps consumed credits across a kill -9 of the server', async () => {
    const token = await createToken('durable', { credits: { remaining: 3 } });
    const spent = await burst([`${gateway.url}/data`], token.secret, 5, 5);
    assert.deepEqual(statusCounts(spent), { 200: 3, 429: 2 });
    await server.kill9();
    await server.restart();
    const after = await pollStatus(`${gateway.url}/data`, token.secret, (status) => status !== 503);
    assert.equal(after.status, 429, after.body);
    root = await signIn(server.url, 'root', 'root has a long password');
    assert.equal(
      ((await root.get(`/tokens/${token.id}`)).json as { credits: { remaining: number } }).credits.remaining,
      0,
    );
  });

  it("enforces the token's own rate limit in the SDK too", async () => {
    const limited = await createToken('sdk limit', { rateLimit: { requests: 2, windowSeconds: 60 } });
    const statuses = [];
    for (let i = 0; i < 3; i++) {
      const answer = await call(`${sdkApi.url}/data`, limited.secret);
      statuses.push(answer.status);
      assert.equal(answer.headers.get('ratelimit-remaining'), String(Math.max(0, 1 - i)), 'allowed answers too');
      if (answer.status === 429) {
        assert.equal(JSON.parse(answer.body).error, 'rate_limited');
        assert.equal(answer.headers.get('ratelimit-limit'), '2');
        assert.ok(Number(answer.headers.get('retry-after')) >= 1);
        assert.equal(answer.headers.get('www-authenticate'), null);
      }
    }
    assert.deepEqual(statuses, [200, 200, 429]);
  });

  it('takes credits only for a client that may verify the token, for an API it reaches', async () => {
    const token = await createToken('endpoint', { credits: { remaining: 10 } });
    const jti = (await introspect(server.url, verifierClient, token.secret)).jti as string;
    const url = `${server.url}/api-tokens/credits`;
    const spend = (body: Record<string, unknown>, basic?: ClientCredentials) =>
      postJson(url, { jti, api: USER_API, cost: 1, ...body }, basic === undefined ? {} : { basic });
    const taken = await spend({ cost: 3 }, verifierClient);
    assert.equal(taken.status, 200, taken.text);
    assert.deepEqual(taken.json, { active: true, allowed: true, remaining: 7 });
    assert.equal(taken.headers.get('cache-control'), 'no-store');
    assertOAuthError(await spend({}), 401, 'invalid_client');
    const outsider = await addClient(server, 'outsider', { scopes: ['admin:read'], apis: [ADMIN_API] });
    assert.deepEqual((await spend({}, outsider)).json, { active: false }, "another API's client learns nothing");
    assert.deepEqual(
      (await spend({ api: ADMIN_API }, seed.backend)).json,
      { active: false },
      'an API it does not reach',
    );
    assert.deepEqual((await spend({ jti: 'tgj_unknown' }, verifierClient)).json, { active: false });
    assertOAuthError(await spend({ cost: 0 }, verifierClient), 400, 'invalid_request');
    assert.deepEqual((await spend({ cost: 8 }, verifierClient)).json, { active: true, allowed: false, remaining: 7 });
    // The secret a regeneration replaced spends the same credits during its grace period.
    const regenerated = await root.post(`/tokens/${token.id}/regenerate`, { graceSeconds: 3_600 });
    assert.equal(regenerated.status, 200, regenerated.text);
    assert.deepEqual((await spend({ cost: 2 }, verifierClient)).json, { active: true, allowed: true, remaining: 5 });
    const newSecret = (regenerated.json as { secret: string }).secret;
    const newJti = (await introspect(server.url, verifierClient, newSecret)).jti as string;
    assert.deepEqual((await spend({ jti: newJti, cost: 5 }, verifierClient)).json, {
      active: true,
      allowed: true,
      remaining: 0,
    });
  });

  it("lets only an admin change a token's quotas, not the owner who is bound by them", async () => {
    const token = await createToken('bound', {
      credits: { remaining: 1 },
      rateLimit: { requests: 5, windowSeconds: 60 },
    });
    const alice = await signIn(server.url, seed.user.username, seed.user.password);
    assertAdminError(await alice.patch(`/tokens/${token.id}`, { credits: null }), 403, 'forbidden');
    assertAdminError(await alice.patch(`/tokens/${token.id}`, { rateLimit: null }), 403, 'forbidden');
    const metadata = await alice.patch(`/tokens/${token.id}`, { metadata: { plan: 'pro' } });
    assert.equal(metadata.status, 200, 'the rest stays hers to change');
    const view = (await root.get(`/tokens/${token.id}`)).json as { credits: { remaining: number }; rateLimit: unknown };
    assert.equal(view.credits.remaining, 1);
    assert.deepEqual(view.rateLimit, { requests: 5, windowSeconds: 60 });
  });

  it('answers 503 and admits nothing when the server cannot take the credits', async () => {
    const other = await startTollgate();
    let lone: GatewayUnderTest | undefined;
    try {
      await seedStandard(other);
      const client = await addClient(other, 'verifiers', { scopes: ['read:data'], apis: [USER_API] });
      lone = await startGatewayFor({
        issuer: other.url,
        audience: USER_API,
        client,
        routes: [{ path: '/data', upstream: upstream.url }],
      });
      const created = await other.cli(
        [
          'tokens',
          'create',
          '--name',
          'metered',
          '--user',
          'alice',
          '--api',
          USER_API,
          '--scope',
          'read:data',
          '--credits',
          '5',
        ],
        { json: true },
      );
      assert.equal(created.status, 0, created.stderr);
      const secret = (JSON.parse(created.stdout) as { secret: string }).secret;
      assert.equal((await call(`${lone.url}/data`, secret)).status, 200, 'accepted while the server answers');
      const reached = upstream.received.length;
      await other.stop();
      const refused = await call(`${lone.url}/data`, secret);
      assert.equal(refused.status, 503, refused.body);
      assert.equal(upstream.received.length, reached, 'nothing reached the upstream');
    } finally {
      await lone?.close();
      await other.stop();
    }
  });
});

/** Asks until `done` accepts the status (the gateway's verifier reconnecting to a restarted server), for 30 s at most. */
async function pollStatus(url: string, token: string, done: (status: number) => boolean): Promise<BurstAnswer> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const answer = await call(url, token);
    if (done(answer.status) || Date.now() > deadline) return answer;
    await sleep(100);
  }
}

async function call(url: string, token: string): Promise<BurstAnswer> {
  const result = await request(url, { headers: { authorization: `Bearer ${token}` } });
  return { status: result.status, headers: result.headers, body: result.text };
}
