import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { createGuard, refusalOf } from '../src/adapters/guard.js';
import { BearerError, type Verifier, type VerifiedToken } from '../src/index.js';

function stubVerifier(extra: Record<string, unknown> = {}): Verifier {
  const token = {
    subject: 'usr_alice',
    clientId: 'cli',
    scopes: ['read:data'],
    kind: 'jwt',
  } as unknown as VerifiedToken;
  return { authenticate: async () => token, ...extra } as unknown as Verifier;
}

describe('adapter guard', () => {
  it("uses the verifier's realm when it exposes one, and the option over both", () => {
    assert.equal(createGuard(stubVerifier({ realm: 'https://api.example.com' })).realm, 'https://api.example.com');
    assert.equal(createGuard(stubVerifier({ realm: 'a' }), { realm: 'b' }).realm, 'b');
    assert.equal(createGuard(stubVerifier()).realm, 'api');
  });

  it('checks the scopes after authentication, in all and any mode', async () => {
    await createGuard(stubVerifier(), { scopes: 'read:data' }).check({ headers: {} });
    await createGuard(stubVerifier(), { scopes: ['admin', 'read:data'], mode: 'any' }).check({ headers: {} });
    await assert.rejects(
      createGuard(stubVerifier(), { scopes: ['admin', 'read:data'] }).check({ headers: {} }),
      (error: unknown) => error instanceof BearerError && error.status === 403 && error.scope === 'admin read:data',
    );
  });

  it('refuses something that is not a verifier, at creation', () => {
    assert.throws(() => createGuard({} as Verifier), TypeError);
  });

  it('renders a bare challenge with no body and an error with a JSON body, both no-store', () => {
    const bare = refusalOf(BearerError.missing(), 'r');
    assert.deepEqual(bare, {
      status: 401,
      headers: { 'www-authenticate': 'Bearer realm="r"', 'cache-control': 'no-store' },
      body: '',
    });
    const expired = refusalOf(BearerError.invalidToken('The access token expired', 'ERR_TOKEN_EXPIRED'), 'r');
    assert.equal(expired.headers['content-type'], 'application/json; charset=utf-8');
    assert.deepEqual(JSON.parse(expired.body), {
      error: 'invalid_token',
      error_description: 'The access token expired',
    });
  });

  it('never imports a framework at runtime, so the SDK has no hard dependency on one', async () => {
    const directory = new URL('../src/adapters/', import.meta.url);
    const files = (await readdir(directory)).filter((name) => name.endsWith('.js'));
    assert.ok(files.length >= 6);
    for (const file of files) {
      const source = await readFile(new URL(file, directory), 'utf8');
      assert.doesNotMatch(source, /from ['"](express|fastify|hono)['"/]|require\(['"](express|fastify|hono)/, file);
    }
  });
});
