import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { VerifiedToken } from '@tollgate/verify';
import { MemoryWindowCounter } from '@tollgate/window-counter';
import { WindowCounterRateLimiter } from '../src/index.js';
import { rateLimitKeys } from '../src/rate-limit.js';
import { startTestGateway, type TestGateway } from './support/gateway.js';
import { send } from './support/http.js';
import { startIssuer, type TestIssuer } from './support/issuer.js';
import { startUpstream, type TestUpstream } from './support/upstream.js';

describe('rate limiter over the in-memory window counter', () => {
  function setup(startMs: number) {
    let nowMs = startMs;
    const now = () => nowMs;
    const limiter = new WindowCounterRateLimiter(new MemoryWindowCounter({ now }), { now });
    return { limiter, advance: (ms: number) => (nowMs += ms) };
  }

  it("allows the limit within a window opened by the key's first request, refuses the next, then starts over", async () => {
    const { limiter, advance } = setup(130_000);
    const window = { requests: 2, windowSeconds: 60 };
    assert.deepEqual(await limiter.hit('k', window), { allowed: true, limit: 2, remaining: 1, resetSeconds: 60 });
    advance(15_000);
    assert.deepEqual(await limiter.hit('k', window), { allowed: true, limit: 2, remaining: 0, resetSeconds: 45 });
    assert.deepEqual(await limiter.hit('k', window), { allowed: false, limit: 2, remaining: 0, resetSeconds: 45 });
    assert.equal((await limiter.hit('other', window)).allowed, true, 'keys are counted apart');
    advance(45_000);
    assert.deepEqual(await limiter.hit('k', window), { allowed: true, limit: 2, remaining: 1, resetSeconds: 60 });
  });

  it('counts refused requests too, so hammering past the limit earns no earlier allowance', async () => {
    const { limiter, advance } = setup(0);
    const window = { requests: 1, windowSeconds: 10 };
    assert.equal((await limiter.hit('k', window)).allowed, true);
    advance(9_000);
    assert.deepEqual(await limiter.hit('k', window), { allowed: false, limit: 1, remaining: 0, resetSeconds: 1 });
    advance(1_000);
    assert.equal((await limiter.hit('k', window)).allowed, true, 'the window opened by the first request ended');
  });
});

describe('rate limit keys', () => {
  function token(kind: VerifiedToken['kind'], subject: string, clientId: string): VerifiedToken {
    const claims = { iss: 'https://issuer', sub: subject, aud: 'api', exp: 1, iat: 0, jti: 'j1', client_id: clientId };
    return { claims: { ...claims, scope: '' }, subject, clientId, scopes: [], kind };
  }

  it('counts a JWT against its jti and its OAuth client, even when it acts for a user', () => {
    assert.deepEqual(rateLimitKeys(token('jwt', 'usr_alice', 'cli_app')), { jti: 'j1', clientId: 'cli_app' });
  });

  it("counts a user's API token against the user, not the client_id all users' API tokens share", () => {
    const alice = rateLimitKeys(token('api_token', 'usr_alice', 'tollgate-api-token'));
    const bob = rateLimitKeys(token('api_token', 'usr_bob', 'tollgate-api-token'));
    assert.notEqual(alice.clientId, bob.clientId);
    assert.equal(alice.jti, 'j1');
  });

  it("counts a service account's API token against its client, like the client's own tokens", () => {
    assert.deepEqual(rateLimitKeys(token('api_token', 'cli_worker', 'cli_worker')), {
      jti: 'j1',
      clientId: 'cli_worker',
    });
  });
});

describe('rate limits through the gateway', () => {
  let issuer: TestIssuer;
  let upstream: TestUpstream;
  let gateway: TestGateway;

  before(async () => {
    issuer = await startIssuer();
    upstream = await startUpstream();
    gateway = await startTestGateway(issuer.url, {
      routes: [
        { path: '/per-token', upstream: upstream.url, rateLimit: { perToken: { requests: 2, windowSeconds: 3600 } } },
        { path: '/per-client', upstream: upstream.url, rateLimit: { perClient: { requests: 3, windowSeconds: 3600 } } },
      ],
    });
  });

  after(async () => {
    await gateway.close();
    await Promise.all([issuer.close(), upstream.close()]);
  });

  it('answers 429 with Retry-After and RateLimit-* once a token used up its requests', async () => {
    const auth = { authorization: `Bearer ${await issuer.token()}` };
    const first = await send(gateway.url, '/per-token', { headers: auth });
    assert.equal(first.status, 200);
    assert.equal(first.headers['ratelimit-limit'], '2');
    assert.equal(first.headers['ratelimit-remaining'], '1');
    assert.equal((await send(gateway.url, '/per-token', { headers: auth })).status, 200);
    const before = upstream.received.length;
    const refused = await send(gateway.url, '/per-token', { headers: auth });
    assert.equal(refused.status, 429);
    assert.equal(refused.json().error, 'rate_limited');
    assert.equal(refused.headers['ratelimit-limit'], '2');
    assert.equal(refused.headers['ratelimit-remaining'], '0');
    const retryAfter = Number(refused.headers['retry-after']);
    assert.ok(retryAfter >= 1 && retryAfter <= 3600, `Retry-After ${refused.headers['retry-after']}`);
    assert.equal(refused.headers['ratelimit-reset'], refused.headers['retry-after']);
    assert.equal(upstream.received.length, before, 'a refused request reached the upstream');
    const fresh = { authorization: `Bearer ${await issuer.token()}` };
    assert.equal(
      (await send(gateway.url, '/per-token', { headers: fresh })).status,
      200,
      'another token has its own count',
    );
  });

  it('counts every token of one client together under perClient', async () => {
    const statuses: number[] = [];
    for (let index = 0; index < 4; index++) {
      const auth = { authorization: `Bearer ${await issuer.token({ client_id: 'busy-client' })}` };
      statuses.push((await send(gateway.url, '/per-client', { headers: auth })).status);
    }
    assert.deepEqual(statuses, [200, 200, 200, 429]);
    const other = { authorization: `Bearer ${await issuer.token({ client_id: 'quiet-client' })}` };
    assert.equal((await send(gateway.url, '/per-client', { headers: other })).status, 200);
  });
});
