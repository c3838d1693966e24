/**
 * Rate limits shared through a real Redis (REDIS_URL, default redis://127.0.0.1:6379): two gateways, one limit.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createRedisWindowCounter } from '@tollgate/redis';
import { MemoryWindowCounter } from '@tollgate/window-counter';
import { pino } from 'pino';
import { WindowCounterRateLimiter, parseGatewayConfig } from '../src/index.js';
import { startTestGateway, type TestGateway } from './support/gateway.js';
import { send } from './support/http.js';
import { API, startIssuer, type TestIssuer } from './support/issuer.js';
import { startUpstream, type TestUpstream } from './support/upstream.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const silent = pino({ level: 'silent' });

function openLimiter(keyPrefix: string): WindowCounterRateLimiter {
  const counter = createRedisWindowCounter({
    url: REDIS_URL,
    keyPrefix,
    logger: silent,
    purpose: 'rate',
    fallback: new MemoryWindowCounter(),
  });
  return new WindowCounterRateLimiter(counter);
}

/**
 * True once both limiters count in Redis: a fresh key hit on each is counted twice only when both reached it
 * (a limiter whose connection is still opening counts in memory, where the key is new).
 */
async function shareCounts(first: WindowCounterRateLimiter, second: WindowCounterRateLimiter): Promise<boolean> {
  const window = { requests: 1_000, windowSeconds: 60 };
  for (const deadline = Date.now() + 3_000; Date.now() < deadline; ) {
    const key = `probe-${randomUUID()}`;
    const one = await first.hit(key, window);
    if ((await second.hit(key, window)).remaining === one.remaining - 1) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

async function redisSkipReason(): Promise<string | undefined> {
  const keyPrefix = `tollgate-test:${randomUUID()}:`;
  const [first, second] = [openLimiter(keyPrefix), openLimiter(keyPrefix)];
  try {
    if (await shareCounts(first, second)) return undefined;
    return `no Redis reachable at REDIS_URL (${REDIS_URL}); set REDIS_URL to run these tests`;
  } finally {
    await Promise.all([first.close(), second.close()]);
  }
}

const skip = await redisSkipReason();

describe('rate limiters of two gateways on one Redis', { skip }, () => {
  const keyPrefix = `tollgate-test:${randomUUID()}:`;
  let gatewayA: WindowCounterRateLimiter;
  let gatewayB: WindowCounterRateLimiter;
  // In a hook, not the suite body: a skipped suite must open no connection.
  before(async () => {
    gatewayA = openLimiter(keyPrefix);
    gatewayB = openLimiter(keyPrefix);
    assert.ok(await shareCounts(gatewayA, gatewayB), 'the limiters never reached Redis');
  });
  after(() => Promise.all([gatewayA.close(), gatewayB.close()]));

  it('share one limit: requests on either count against it, and both report the same numbers', async () => {
    const window = { requests: 3, windowSeconds: 60 };
    const decisions = [
      await gatewayA.hit('0\u0000token\u0000j1', window),
      await gatewayB.hit('0\u0000token\u0000j1', window),
      await gatewayA.hit('0\u0000token\u0000j1', window),
      await gatewayB.hit('0\u0000token\u0000j1', window),
    ];
    assert.deepEqual(
      decisions.map(({ allowed, remaining }) => ({ allowed, remaining })),
      [
        { allowed: true, remaining: 2 },
        { allowed: true, remaining: 1 },
        { allowed: true, remaining: 0 },
        { allowed: false, remaining: 0 },
      ],
    );
    for (const decision of decisions) {
      assert.equal(decision.limit, 3);
      const reset = decision.resetSeconds ?? 0;
      assert.ok(reset >= 59 && reset <= 60, `reset ${decision.resetSeconds}`);
    }
    assert.equal((await gatewayB.hit('0\u0000token\u0000j2', window)).allowed, true, 'another token counts apart');
  });
});

describe('two gateways configured with redis', { skip }, () => {
  let issuer: TestIssuer;
  let upstream: TestUpstream;
  let gateways: TestGateway[];

  before(async () => {
    issuer = await startIssuer();
    upstream = await startUpstream();
    const redis = { url: REDIS_URL, keyPrefix: `tollgate-test:${randomUUID()}:` };
    const routes = [
      { path: '/data', upstream: upstream.url, rateLimit: { perToken: { requests: 3, windowSeconds: 3600 } } },
      { path: '/probe', upstream: upstream.url, rateLimit: { perToken: { requests: 1_000, windowSeconds: 60 } } },
    ];
    gateways = [
      await startTestGateway(issuer.url, { redis, routes }),
      await startTestGateway(issuer.url, { redis, routes }),
    ];
    await bothOnRedis();
  });

  /** Until its connection is up a gateway counts in memory; a fresh token counted by both shows they share. */
  async function bothOnRedis(): Promise<void> {
    for (const deadline = Date.now() + 5_000; Date.now() < deadline; ) {
      const auth = { authorization: `Bearer ${await issuer.token()}` };
      const one = await send(gateways[0]?.url ?? '', '/probe', { headers: auth });
      const two = await send(gateways[1]?.url ?? '', '/probe', { headers: auth });
      if (two.headers['ratelimit-remaining'] === '998' && one.headers['ratelimit-remaining'] === '999') return;
    }
    assert.fail('the gateways never counted in Redis');
  }

  after(async () => {
    await Promise.all(gateways.map((gateway) => gateway.close()));
    await Promise.all([issuer.close(), upstream.close()]);
  });

  it('refuse a token with 429 once it used up its requests across both, with RateLimit-* and Retry-After', async () => {
    const auth = { authorization: `Bearer ${await issuer.token()}` };
    const answers = [];
    for (const index of [0, 1, 0, 1]) {
      answers.push(await send(gateways[index]?.url ?? '', '/data', { headers: auth }));
    }
    assert.deepEqual(
      answers.map((answer) => [answer.status, answer.headers['ratelimit-remaining']]),
      [
        [200, '2'],
        [200, '1'],
        [200, '0'],
        [429, '0'],
      ],
    );
    const refused = answers[3];
    assert.equal(refused?.headers['ratelimit-limit'], '3');
    const retryAfter = Number(refused?.headers['retry-after']);
    assert.ok(retryAfter > 3500 && retryAfter <= 3600, `Retry-After ${refused?.headers['retry-after']}`);
    assert.equal(refused?.headers['ratelimit-reset'], refused?.headers['retry-after']);
  });
});

describe('redis settings', () => {
  const base = {
    issuer: 'https://auth.example.com',
    audience: API,
    routes: [{ path: '/', upstream: 'http://127.0.0.1:1' }],
  };

  it('take the URL from REDIS_URL, over the file, keeping the file’s key prefix', () => {
    const config = parseGatewayConfig(
      { ...base, redis: { url: 'redis://file-host:6379', keyPrefix: 'fleet-a:' } },
      { env: { REDIS_URL: 'redis://env-host:6380' } },
    );
    assert.deepEqual(config.redis, { url: 'redis://env-host:6380', keyPrefix: 'fleet-a:' });
    assert.deepEqual(parseGatewayConfig(base, { env: { REDIS_URL: 'redis://env-host:6380' } }).redis, {
      url: 'redis://env-host:6380',
      keyPrefix: 'tollgate:',
    });
    assert.equal(parseGatewayConfig(base).redis, undefined, 'in memory without either');
  });

  it('refuse a URL that is not redis:// or rediss://, without repeating it (it may hold a password)', () => {
    assert.throws(
      () => parseGatewayConfig(base, { env: { REDIS_URL: 'http://user:pa55word@cache:6379' } }),
      (error: Error) => {
        assert.equal(
          error.message,
          'invalid gateway configuration: redis.url (from REDIS_URL): must be a redis:// or rediss:// URL',
        );
        assert.equal(error.message.includes('pa55word'), false);
        return true;
      },
    );
  });
});
