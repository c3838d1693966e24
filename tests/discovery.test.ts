/** RFC 8414 metadata and the JWKS, as a client library discovers them. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { asObject, request } from './support/http.js';
import { fetchJwks } from './support/jwt.js';
import { discover } from './support/oauth.js';
import { startTollgate, type TollgateProcess } from './support/tollgate.js';

describe('discovery', () => {
  let server: TollgateProcess;
  before(async () => {
    server = await startTollgate();
  });
  after(() => server?.stop());

  it('prints its loopback URL, which is the issuer', () => {
    assert.equal(server.url, `http://127.0.0.1:${server.port}`);
  });

  it('publishes RFC 8414 metadata that oauth4webapi accepts for this issuer', async () => {
    const as = await discover(server.url);
    assert.equal(as.issuer, server.url);
    assert.equal(as.token_endpoint, `${server.url}/token`);
    assert.equal(as.revocation_endpoint, `${server.url}/revoke`);
    assert.equal(as.introspection_endpoint, `${server.url}/introspect`);
    assert.equal(as.jwks_uri, `${server.url}/.well-known/jwks.json`);
    for (const grant of ['password', 'client_credentials', 'refresh_token']) {
      assert.ok(as.grant_types_supported?.includes(grant), `grant_types_supported lacks ${grant}`);
    }
    for (const method of ['client_secret_basic', 'client_secret_post']) {
      assert.ok(
        as.token_endpoint_auth_methods_supported?.includes(method),
        `token_endpoint_auth_methods_supported lacks ${method}`,
      );
    }
    assert.ok(!as.grant_types_supported?.includes('implicit'), 'advertises the implicit grant');
  });

  it('serves the JWKS with cache headers and only public EdDSA key material', async () => {
    const result = await request(`${server.url}/.well-known/jwks.json`);
    assert.equal(result.status, 200);
    assert.match(result.headers.get('cache-control') ?? '', /max-age=\d+/, 'JWKS without a max-age');
    const jwks = await fetchJwks(server.url);
    assert.equal(jwks.keys.length, 1, `a fresh server has one key: ${JSON.stringify(jwks)}`);
    const key = asObject(jwks.keys[0]);
    assert.equal(key.kty, 'OKP');
    assert.equal(key.crv, 'Ed25519');
    assert.equal(key.alg, 'EdDSA');
    assert.equal(key.use, 'sig');
    assert.equal(typeof key.kid, 'string');
    for (const privateMember of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']) {
      assert.ok(!(privateMember in key), `JWKS leaks private member ${privateMember}`);
    }
  });

  it('answers an unknown path with 404, not a 5xx', async () => {
    const result = await request(`${server.url}/no-such-endpoint`);
    assert.equal(result.status, 404);
  });
});
