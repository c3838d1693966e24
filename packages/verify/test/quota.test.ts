import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CreditsAnswer } from '@tollgate/jwt';
import { MemoryWindowCounter } from '@tollgate/window-counter';
import { createGuard, refusalOf } from '../src/adapters/guard.js';
import { BearerError, type Verifier, type VerifiedToken } from '../src/index.js';
import { QuotaExceeded, rateLimitHeaders } from '../src/quota.js';

const REQUEST = { headers: {}, url: '/data' };

function apiToken(extra: Partial<VerifiedToken> = {}): VerifiedToken {
  return {
    claims: { jti: 'tgj_1', aud: 'https://api.example.com' },
    subject: 'usr_alice',
    clientId: 'tollgate-api-token',
    scopes: [],
    kind: 'api_token',
    ...extra,
  } as unknown as VerifiedToken;
}

/** A verifier whose every request is `token`, and whose server answers `answers` in turn (recording the costs). */
function verifierFor(token: VerifiedToken, answers: CreditsAnswer[] = []): Verifier & { costs: number[] } {
  const costs: number[] = [];
  return {
    costs,
    authenticate: async () => token,
    consumeCredits: async (_token: VerifiedToken, cost: number) => {
      costs.push(cost);
      const answer = answers.shift();
      if (answer === undefined) throw new Error('no more answers');
      return answer;
    },
  } as unknown as Verifier & { costs: number[] };
}

describe("the guard's quotas", () => {
  it('refuses bad options when the adapter is made, naming them', () => {
    const verifier = verifierFor(apiToken());
    assert.throws(() => createGuard(verifier, { cost: 0 }), /options.cost must be a whole number from 1 to 1000000/);
    assert.throws(() => createGuard(verifier, { cost: 1.5 }), /options.cost/);
    assert.throws(
      () => createGuard(verifier, { rateLimit: { requests: 0, windowSeconds: 60 } }),
      /options.rateLimit must be \{ requests, windowSeconds \}/,
    );
  });

  it('spends the cost of a metered token and reports the credits left; a JWT spends nothing', async () => {
    const metered = apiToken({ credits: { remaining: 10 } });
    const verifier = verifierFor(metered, [
      { active: true, allowed: true, remaining: 7, refill_amount: 10, refills_at: 1_800_000_000, refills_in: 90 },
    ]);
    const admitted = await createGuard(verifier, { cost: 3 }).admit(REQUEST);
    assert.deepEqual(verifier.costs, [3]);
    assert.deepEqual(admitted.headers, {
      'RateLimit-Limit': '10',
      'RateLimit-Remaining': '7',
      'RateLimit-Reset': '90',
    });
    const jwt = verifierFor(apiToken({ kind: 'jwt' }));
    assert.deepEqual((await createGuard(jwt).admit(REQUEST)).headers, {});
    assert.deepEqual(jwt.costs, []);
  });

  it('answers exhausted credits with 429, Retry-After until the refill and no challenge', async () => {
    const verifier = verifierFor(apiToken({ credits: { remaining: 0 } }), [
      { active: true, allowed: false, remaining: 0, refill_amount: 5, refills_at: 1_800_000_000, refills_in: 42 },
    ]);
    const error = await createGuard(verifier)
      .check(REQUEST)
      .catch((caught: unknown) => caught);
    assert.ok(error instanceof QuotaExceeded);
    const refusal = refusalOf(error, 'api');
    assert.equal(refusal.status, 429);
    assert.equal(refusal.headers['www-authenticate'], undefined);
    assert.equal(refusal.headers['Retry-After'], '42');
    assert.deepEqual(JSON.parse(refusal.body), {
      error: 'credits_exhausted',
      error_description:
        "The API token's credits quota is exhausted: 0 remaining, this request costs 1; refilled to 5 at 2027-01-15T08:00:00.000Z",
    });
  });

  it('fails closed: a metered token is refused with 503 by a verifier that cannot take credits', async () => {
    const verifier = { authenticate: async () => apiToken({ credits: { remaining: 5 } }) } as unknown as Verifier;
    const error = await createGuard(verifier)
      .check(REQUEST)
      .catch((caught: unknown) => caught);
    assert.ok(error instanceof BearerError);
    assert.equal(error.status, 503);
    assert.equal(error.code, 'ERR_CREDITS_UNAVAILABLE');
  });

  it("counts a token's own rate limit, in place of the API's, on the counter it is given", async () => {
    const counter = new MemoryWindowCounter();
    const limited = verifierFor(apiToken({ rateLimit: { requests: 1, windowSeconds: 60 } }));
    const guard = createGuard(limited, { rateLimit: { requests: 100, windowSeconds: 60 }, rateLimitCounter: counter });
    assert.equal((await guard.admit(REQUEST)).headers['RateLimit-Limit'], '1');
    const error = await guard.check(REQUEST).catch((caught: unknown) => caught);
    assert.ok(error instanceof QuotaExceeded);
    assert.equal(error.body()?.error, 'rate_limited');
    assert.equal((await counter.peek('token-limit\u0000tgj_1')).count, 2, 'the refused request counted too');
  });

  it('leaves Reset and Retry-After out when nothing will reset', () => {
    assert.deepEqual(rateLimitHeaders({ allowed: false, limit: 3, remaining: 0, resetSeconds: undefined }), {
      'RateLimit-Limit': '3',
      'RateLimit-Remaining': '0',
    });
  });
});
