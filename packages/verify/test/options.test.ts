import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createVerifier, type VerifierOptions } from '../src/index.js';
import { normalizeVerifierOptions } from '../src/options.js';

const VALID: VerifierOptions = { issuer: 'https://auth.example.com', audience: 'https://api.example.com' };

describe('createVerifier options', () => {
  it('does no I/O until the verifier is used', async () => {
    let calls = 0;
    const verifier = createVerifier({
      ...VALID,
      client: { clientId: 'cli', clientSecret: 'secret' },
      fetch: async () => {
        calls++;
        throw new Error('offline');
      },
    });
    assert.equal(calls, 0);
    await verifier.close();
  });

  const invalid: Record<string, Partial<Record<keyof VerifierOptions, unknown>>> = {
    'a missing issuer': { issuer: undefined },
    'a relative issuer': { issuer: '/auth' },
    'a non-http issuer': { issuer: 'ftp://auth.example.com' },
    'an issuer with a query': { issuer: 'https://auth.example.com?tenant=1' },
    'an issuer with a fragment': { issuer: 'https://auth.example.com#x' },
    'an issuer with user info': { issuer: 'https://user:pw@auth.example.com' },
    'a missing audience': { audience: undefined },
    'an empty audience list': { audience: [] },
    'an empty audience': { audience: ['a', ''] },
    'a realm with a newline': { realm: 'api\r\nX: y' },
    'a non-numeric tolerance': { clockToleranceSeconds: '5' },
    'a zero maximum token lifetime': { maxTokenLifetimeSeconds: 0 },
    'a fractional maximum token lifetime': { maxTokenLifetimeSeconds: 60.5 },
    'a client without secret': { client: { clientId: 'cli' } },
    'a client with an empty id': { client: { clientId: '', clientSecret: 's' } },
    'fail-closed without client': { failClosedAfterMs: 1000 },
    'a zero fail-closed delay': { failClosedAfterMs: 0, client: { clientId: 'c', clientSecret: 's' } },
    'a non-boolean allowQueryToken': { allowQueryToken: 'yes' },
    'a negative cache size': { cacheSize: -1 },
    'a fractional cache size': { cacheSize: 1.5 },
    'a negative refetch interval': { jwksRefetchIntervalMs: -1 },
    'a refresh interval that would poll': { jwksRefreshIntervalMs: 10 },
    'a fetch that is not a function': { fetch: 'fetch' },
    'a now that is not a function': { now: 0 },
    'a non-numeric API-token cache TTL': { apiTokenCacheTtlMs: '30s' },
    'an infinite API-token cache TTL': { apiTokenCacheTtlMs: Number.POSITIVE_INFINITY },
  };
  for (const [name, override] of Object.entries(invalid)) {
    it(`throws a TypeError for ${name}`, () => {
      assert.throws(() => createVerifier({ ...VALID, ...override } as VerifierOptions), TypeError);
    });
  }

  it('never puts the client secret into an option error', () => {
    assert.throws(
      () => createVerifier({ ...VALID, client: { clientId: 7, clientSecret: 'top-secret-value' } } as never),
      (error: Error) => error instanceof TypeError && !error.message.includes('top-secret-value'),
    );
  });

  it('caches API-token verdicts 30 s by default, clamped to [0, 5 min]', () => {
    const ttl = (apiTokenCacheTtlMs?: number) =>
      normalizeVerifierOptions({ ...VALID, apiTokenCacheTtlMs }).apiTokenCacheTtlMs;
    assert.equal(ttl(), 30_000);
    assert.equal(ttl(1_500), 1_500);
    assert.equal(ttl(-5), 0);
    assert.equal(ttl(3_600_000), 300_000);
  });

  it('accepts the documented shapes', async () => {
    for (const options of [
      VALID,
      { ...VALID, audience: ['a', 'b'], realm: 'My API', clockToleranceSeconds: 500, cacheSize: 0 },
      { ...VALID, client: { clientId: 'c', clientSecret: 's' }, failClosedAfterMs: 30_000, allowQueryToken: true },
    ]) {
      await createVerifier(options).close();
    }
  });
});
