import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { generateApiToken } from '@tollgate/jwt';
import type { Verifier } from '../src/index.js';
import { ApiTokenIssuer } from './api-token-issuer.js';
import { CLIENT, countingFetch, verifierFor } from './harness.js';
import { AUDIENCE, assertRefused, FakeClock, waitFor } from './support.js';

const OTHER_API = 'https://other.example.com';
const INACTIVE = { status: 401, error: 'invalid_token', code: 'ERR_API_TOKEN_INACTIVE' };
const UNAVAILABLE = { status: 503, error: 'temporarily_unavailable', code: 'ERR_INTROSPECTION_UNAVAILABLE' };

let server: ApiTokenIssuer;
let clock: FakeClock;

before(async () => {
  server = await ApiTokenIssuer.start();
});
after(() => server.stop());
afterEach(() => {
  server.introspectionStatus = 200;
  server.usageStatus = 204;
});

function verifier(extra: Parameters<typeof verifierFor>[2] = {}): Verifier {
  clock = new FakeClock();
  return verifierFor(server.fake, clock, { client: CLIENT, ...extra });
}

function introspectionsOf(token: string): number {
  return server.introspections.filter((entry) => entry.token === token).length;
}

describe('API tokens: refused locally, without a request', () => {
  /** Each breaks one part of the format: prefix-only, length, charset, checksum. */
  const malformed = (): Record<string, string> => {
    const good = generateApiToken();
    const last = good.at(-1) === 'A' ? 'B' : 'A';
    return {
      'too short': 'tg_abc',
      'too long': `${good}x`,
      'a character outside base62': `${good.slice(0, 10)}-${good.slice(11)}`,
      'a wrong checksum (a typo)': good.slice(0, -1) + last,
    };
  };
  for (const [name, token] of Object.entries(malformed())) {
    it(`refuses a token with ${name} as malformed, with no network request at all`, async () => {
      const counter = countingFetch();
      const fresh = verifier({ fetch: counter.fetch });
      await assertRefused(
        fresh.verify(token),
        {
          status: 401,
          error: 'invalid_token',
          description: 'The API token is malformed',
          code: 'ERR_API_TOKEN_MALFORMED',
        },
        token,
      );
      assert.equal(counter.count('/.well-known/oauth-authorization-server') + counter.count('/introspect'), 0);
    });
  }

  it('refuses API tokens when the verifier has no client credentials, saying it is not configured for them', async () => {
    const { token } = server.issue(Math.floor(Date.now() / 1000));
    const counter = countingFetch();
    const noClient = verifierFor(server.fake, new FakeClock(), { fetch: counter.fetch });
    const error = await assertRefused(
      noClient.verify(token),
      { status: 401, error: 'invalid_token', code: 'ERR_API_TOKEN_NOT_CONFIGURED' },
      token,
    );
    assert.match(error.description ?? '', /not configured for them/);
    assert.equal(counter.count('/introspect'), 0);
  });
});

describe('API tokens: introspection', () => {
  it("hands over the owner's metadata and external id, frozen; {} and none when the answer has neither", async () => {
    const v = verifier();
    const metadata = { plan: 'pro', seats: 5, trial: false };
    const { token } = server.issue(clock.seconds, { metadata, external_id: 'cus_123' });
    const verified = await v.verify(token);
    assert.deepEqual(verified.metadata, metadata);
    assert.equal(verified.externalId, 'cus_123');
    assert.ok(Object.isFrozen(verified.metadata));
    const bare = await v.verify(server.issue(clock.seconds).token);
    assert.deepEqual(bare.metadata, {});
    assert.equal('externalId' in bare, false);
  });

  it('takes an answer whose metadata is not an object of plain values for a broken server: 503, never accepted', async () => {
    const v = verifier();
    for (const metadata of [['pro'], { nested: { a: 1 } }, 'pro']) {
      const { token } = server.issue(clock.seconds, { metadata });
      await assertRefused(v.verify(token), UNAVAILABLE, token);
    }
  });

  it('accepts an active token for this API, introspected with the client credentials, as kind api_token', async () => {
    const v = verifier();
    const { token, jti } = server.issue(clock.seconds, { exp: clock.seconds + 3600 });
    const verified = await v.verify(token);
    assert.equal(verified.kind, 'api_token');
    assert.equal(verified.subject, 'usr_alice');
    assert.equal(verified.clientId, 'cli_tollgate_api_tokens');
    assert.deepEqual(verified.scopes, ['read:data', 'write:data']);
    assert.deepEqual(verified.claims, {
      iss: server.issuer,
      sub: 'usr_alice',
      aud: AUDIENCE,
      exp: clock.seconds + 3600,
      iat: clock.seconds,
      jti,
      client_id: 'cli_tollgate_api_tokens',
      scope: 'read:data write:data',
      username: 'alice',
    });
    const [request] = server.introspections.filter((entry) => entry.token === token);
    assert.deepEqual(request, { token, authorized: true, contentType: 'application/x-www-form-urlencoded' });
  });

  it('takes as claims.aud the audience of this verifier among the several the token may reach', async () => {
    const v = verifier({ audience: ['https://third.example.com', AUDIENCE] });
    const { token } = server.issue(clock.seconds, { aud: [OTHER_API, AUDIENCE] });
    assert.equal((await v.verify(token)).claims.aud, AUDIENCE);
  });

  it('judges a token for the audience the call asks for, on one verifier serving several APIs', async () => {
    const v = verifier({ audience: [OTHER_API, AUDIENCE] });
    const both = server.issue(clock.seconds, { aud: [OTHER_API, AUDIENCE] });
    // Without an audience the first the token reaches stands for it; asking for the second must not be refused.
    assert.equal((await v.verify(both.token)).claims.aud, OTHER_API);
    assert.equal((await v.verify(both.token, { audience: AUDIENCE })).claims.aud, AUDIENCE);
    assert.equal((await v.verify(both.token, { audience: OTHER_API })).claims.aud, OTHER_API);
    assert.equal(introspectionsOf(both.token), 1, 'one introspection serves every audience');
    const onlyOther = server.issue(clock.seconds, { aud: [OTHER_API] });
    assert.equal((await v.verify(onlyOther.token, { audience: OTHER_API })).claims.aud, OTHER_API);
    await assertRefused(v.verify(onlyOther.token, { audience: AUDIENCE }), {
      status: 401,
      error: 'invalid_token',
      description: 'The access token is not for this API',
      code: 'ERR_TOKEN_AUDIENCE_INVALID',
    });
    assert.throws(() => v.verify(both.token, { audience: 'https://unknown.example.com' }), TypeError);
  });

  it('represents a token that never expires (no exp in the answer) with exp Infinity', async () => {
    const v = verifier();
    const { token } = server.issue(clock.seconds);
    assert.equal((await v.verify(token)).claims.exp, Number.POSITIVE_INFINITY);
  });

  it("refuses an active token for other APIs only, and one of another issuer's", async () => {
    const v = verifier();
    const other = server.issue(clock.seconds, { aud: [OTHER_API] });
    await assertRefused(v.verify(other.token), {
      status: 401,
      error: 'invalid_token',
      description: 'The access token is not for this API',
      code: 'ERR_TOKEN_AUDIENCE_INVALID',
    });
    const foreign = server.issue(clock.seconds, { iss: 'https://evil.example.com' });
    await assertRefused(v.verify(foreign.token), {
      status: 401,
      error: 'invalid_token',
      code: 'ERR_TOKEN_ISSUER_INVALID',
    });
  });

  it('refuses an inactive token and remembers that for a few seconds only', async () => {
    const v = verifier();
    const token = generateApiToken();
    await assertRefused(v.verify(token), INACTIVE, token);
    await assertRefused(v.verify(token), INACTIVE, token);
    assert.equal(introspectionsOf(token), 1);
    clock.advance(5_001);
    await assertRefused(v.verify(token), INACTIVE, token);
    assert.equal(introspectionsOf(token), 2);
  });

  it('serves an accepted token from the cache until apiTokenCacheTtlMs, then asks again', async () => {
    const v = verifier({ apiTokenCacheTtlMs: 10_000 });
    const { token } = server.issue(clock.seconds);
    const first = await v.verify(token);
    clock.advance(9_000);
    assert.equal(await v.verify(token), first);
    assert.equal(introspectionsOf(token), 1);
    clock.advance(1_001);
    await v.verify(token);
    assert.equal(introspectionsOf(token), 2);
  });

  it("never serves a cached acceptance past the token's exp", async () => {
    const v = verifier({ apiTokenCacheTtlMs: 60_000 });
    const { token } = server.issue(clock.seconds, { exp: clock.seconds + 10 });
    await v.verify(token);
    server.answers.set(token, { active: false });
    clock.advance(10_000);
    await assertRefused(v.verify(token), INACTIVE, token);
    assert.equal(introspectionsOf(token), 2);
  });

  it('shares one introspection among concurrent requests with the same token', async () => {
    const v = verifier();
    await v.ready();
    const { token } = server.issue(clock.seconds);
    await Promise.all(Array.from({ length: 20 }, () => v.verify(token)));
    assert.equal(introspectionsOf(token), 1);
  });

  it('refuses a token whose jti arrives on the revocation stream within 1 s, although its acceptance is cached', async () => {
    const v = verifier();
    await v.ready();
    const { token, jti } = server.issue(clock.seconds);
    await v.verify(token);
    server.fake.revoke(jti, clock.seconds + 3600);
    const elapsedMs = await waitFor(
      () =>
        v.verify(token).then(
          () => false,
          () => true,
        ),
      1_000,
    );
    assert.ok(elapsedMs < 1_000);
    await assertRefused(v.verify(token), { status: 401, error: 'invalid_token', code: 'ERR_TOKEN_REVOKED' }, token);
    assert.equal(introspectionsOf(token), 1, 'the refusal came from the deny list, not from a new introspection');
  });

  it('answers 503 when introspection fails, never accepts, and does not cache the failure', async () => {
    const v = verifier();
    const { token } = server.issue(clock.seconds);
    server.introspectionStatus = 500;
    await assertRefused(v.verify(token), UNAVAILABLE, token);
    server.introspectionStatus = 200;
    assert.equal((await v.verify(token)).kind, 'api_token');
  });

  it('answers 503 when the issuer is down', async () => {
    const down = await ApiTokenIssuer.start();
    const v = verifierFor(down.fake, new FakeClock(), { client: CLIENT });
    await v.ready();
    const { token } = down.issue(Math.floor(Date.now() / 1000));
    await down.stop();
    await assertRefused(v.verify(token), UNAVAILABLE, token);
  });

  it('answers 503 when an active answer lacks what a Tollgate answer has', async () => {
    const v = verifier();
    const { token } = server.issue(clock.seconds, { jti: undefined });
    await assertRefused(v.verify(token), UNAVAILABLE, token);
  });
});

describe('API tokens: usage reports', () => {
  it('reports each accepted use per (jti, API) with the count, last use and caller address, on close', async () => {
    const v = verifier();
    const { token, jti } = server.issue(clock.seconds);
    const request = { headers: { authorization: `Bearer ${token}` }, remoteAddress: '203.0.113.7' };
    await v.authenticate(request);
    await v.authenticate(request);
    clock.advance(3_000);
    await v.authenticate({ ...request, remoteAddress: '198.51.100.9' });
    await assertRefused(v.verify(generateApiToken()), INACTIVE);
    const before = server.usageBatches.length;
    await v.close();
    assert.deepEqual(server.usageBatches.slice(before), [
      [{ jti, api: AUDIENCE, count: 3, lastUsedAt: clock.seconds, address: '198.51.100.9' }],
    ]);
  });

  it('posts pending reports on its own every 2 s, authenticated as the client', async () => {
    const v = verifier();
    const { token, jti } = server.issue(clock.seconds);
    await v.verify(token);
    await waitFor(() => server.reports.some((report) => report.jti === jti), 5_000);
    assert.deepEqual(
      server.reports.filter((report) => report.jti === jti),
      [{ jti, api: AUDIENCE, count: 1, lastUsedAt: clock.seconds }],
    );
  });
});
