import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type ClientOptions, normalizeOptions } from '../src/options.js';

const ISSUER = 'https://auth.example.com';

describe('createClient options', () => {
  it('refuses caller mistakes at once, as TypeErrors', () => {
    const wrong: Array<[Partial<ClientOptions> | unknown, RegExp]> = [
      [{ issuer: 'not a url' }, /issuer must be an absolute URL/],
      [{ issuer: 'ftp://auth.example.com' }, /https/],
      [{ issuer: `${ISSUER}?tenant=a` }, /no query or fragment/],
      [{ issuer: ISSUER, clientSecret: 's' }, /clientSecret needs clientId/],
      [{ issuer: ISSUER, clientId: 'c', clientAuthMethod: 'client_secret_post' }, /needs options.clientSecret/],
      [{ issuer: ISSUER, clientId: 'c', clientSecret: 's', clientAuthMethod: 'private_key_jwt' }, /clientAuthMethod/],
      [{ issuer: ISSUER, refreshMarginSeconds: -1 }, /refreshMarginSeconds/],
      [{ issuer: ISSUER, dpop: 'yes' }, /dpop/],
      [{ issuer: ISSUER, metadata: { issuer: 'https://other.example' } }, /metadata/],
      [{ issuer: ISSUER, fetch: 'fetch' }, /fetch must be a function/],
    ];
    for (const [options, message] of wrong) {
      assert.throws(
        () => normalizeOptions(options as ClientOptions),
        (error: unknown) => {
          assert.ok(error instanceof TypeError, `${JSON.stringify(options)}: ${String(error)}`);
          assert.match(error.message, message);
          return true;
        },
      );
    }
  });

  it('defaults: basic with a secret, none without; memory storage; DPoP auto; a lock per issuer and client', () => {
    const confidential = normalizeOptions({ issuer: ISSUER, clientId: 'svc', clientSecret: 's' });
    assert.equal(confidential.identity.method, 'client_secret_basic');
    assert.equal(confidential.dpop, 'auto');
    assert.equal(confidential.refreshMarginSeconds, 60);
    assert.equal(confidential.lockName, `tollgate-client:${ISSUER}:svc`);
    assert.equal(normalizeOptions({ issuer: ISSUER }).identity.method, 'none');
  });
});
