/**
 * RFC 7662 through oauth4webapi. Live tokens report their claims; anything forged, tampered, revoked or
 * garbage is exactly `{"active": false}`; callers must authenticate.
 */
import { base64url, exportJWK, generateKeyPair, SignJWT, UnsecuredJWT } from 'jose';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertOAuthError, postForm } from './support/http.js';
import { fetchJwks, kidOf } from './support/jwt.js';
import { discover, insecure, oauth } from './support/oauth.js';
import { ADMIN_API, type StandardSeed, seedStandard, USER_API } from './support/seed.js';
import { assertInactive, clientCredentialsToken, passwordToken } from './support/tokens.js';
import { startTollgate, type TollgateProcess } from './support/tollgate.js';

describe('introspection', () => {
  let server: TollgateProcess;
  let seed: StandardSeed;
  let as: oauth.AuthorizationServer;
  let genuine: string;
  before(async () => {
    server = await startTollgate();
    seed = await seedStandard(server);
    as = await discover(server.url);
    genuine = (await clientCredentialsToken(server.url, seed.backend, { scope: 'read:data' })).access_token;
  });
  after(() => server?.stop());

  async function introspectViaLibrary(token: string): Promise<oauth.IntrospectionResponse> {
    const client = { client_id: seed.backend.clientId };
    const auth = oauth.ClientSecretBasic(seed.backend.clientSecret);
    const response = await oauth.introspectionRequest(as, client, auth, token, insecure);
    return oauth.processIntrospectionResponse(as, client, response);
  }

  /** A token with the genuine token's claims and kid, signed by whatever the attacker likes. */
  function genuineClaims(): Record<string, unknown> {
    const [, payload] = genuine.split('.');
    return JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
  }

  it('reports a live access token with its claims', async () => {
    const body = await introspectViaLibrary(genuine);
    assert.equal(body.active, true);
    assert.equal(body.client_id, seed.backend.clientId);
    assert.equal(body.sub, seed.backend.clientId);
    assert.equal(body.aud, USER_API);
    assert.equal(body.iss, server.url);
    assert.equal(body.scope, 'read:data');
    assert.equal(body.token_type, 'Bearer');
    assert.equal(typeof body.exp, 'number');
    assert.equal(typeof body.iat, 'number');
    assert.equal(typeof body.jti, 'string');
  });

  it('reports a live user token with the username and the audience it was issued for', async () => {
    const tokens = await passwordToken(server.url, seed.backend, seed.user, { resource: USER_API });
    const body = await introspectViaLibrary(tokens.access_token);
    assert.equal(body.active, true);
    assert.equal(body.username, seed.user.username);
    assert.notEqual(body.aud, ADMIN_API);
  });

  it('reports a live refresh token as active', async () => {
    const tokens = await passwordToken(server.url, seed.backend, seed.user);
    assert.ok(tokens.refresh_token);
    const body = await introspectViaLibrary(tokens.refresh_token);
    assert.equal(body.active, true);
    assert.equal(body.client_id, seed.backend.clientId);
  });

  it('answers exactly {"active": false} for garbage of every shape', async () => {
    for (const garbage of [
      'x',
      'a.b.c',
      '...',
      genuine.slice(0, -5),
      `${genuine}.x`,
      '€'.repeat(100),
      'A'.repeat(8000),
    ]) {
      await assertInactive(server.url, seed.backend, garbage, `garbage ${garbage.slice(0, 20)}`);
    }
  });

  it('answers {"active": false} for a token with alg none', async () => {
    const token = new UnsecuredJWT(genuineClaims()).encode();
    await assertInactive(server.url, seed.backend, token, 'an alg:none token');
  });

  it('answers {"active": false} for a token signed by another key under the server\'s kid', async () => {
    const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    const kid = kidOf(genuine);
    const token = await new SignJWT(genuineClaims())
      .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', ...(kid === undefined ? {} : { kid }) })
      .sign(privateKey);
    await assertInactive(server.url, seed.backend, token, 'a forged signature');
  });

  it('answers {"active": false} for a key offered in the jwk header', async () => {
    const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    const jwk = await exportJWK(publicKey);
    const token = await new SignJWT(genuineClaims())
      .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', jwk })
      .sign(privateKey);
    await assertInactive(server.url, seed.backend, token, 'a self-signed token with an embedded jwk');
  });

  it('answers {"active": false} for HS256 keyed with the published public key', async () => {
    const jwks = await fetchJwks(server.url);
    const published = jwks.keys[0];
    assert.ok(published);
    const kid = kidOf(genuine);
    const secrets = [new TextEncoder().encode(JSON.stringify(published)), base64url.decode(String(published.x))];
    for (const secret of secrets) {
      const token = await new SignJWT(genuineClaims())
        .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', ...(kid === undefined ? {} : { kid }) })
        .sign(secret);
      await assertInactive(server.url, seed.backend, token, 'an HS256 token keyed with the public key');
    }
  });

  it('answers {"active": false} for a tampered payload', async () => {
    const [header, , signature] = genuine.split('.');
    const widened = { ...genuineClaims(), scope: 'read:data write:data admin:read' };
    const payload = Buffer.from(JSON.stringify(widened)).toString('base64url');
    await assertInactive(server.url, seed.backend, `${header}.${payload}.${signature}`, 'a tampered token');
  });

  it('answers {"active": false} for a token naming an unknown kid', async () => {
    const [, payload, signature] = genuine.split('.');
    for (const kid of ['nope', '../../etc/passwd', '', 'x'.repeat(5000)]) {
      const header = Buffer.from(JSON.stringify({ alg: 'EdDSA', typ: 'at+jwt', kid })).toString('base64url');
      await assertInactive(server.url, seed.backend, `${header}.${payload}.${signature}`, `kid ${kid.slice(0, 20)}`);
    }
  });

  it('requires client authentication', async () => {
    assertOAuthError(await postForm(`${server.url}/introspect`, { token: genuine }), 401, 'invalid_client');
    const wrong = await postForm(
      `${server.url}/introspect`,
      { token: genuine },
      { basic: { clientId: seed.backend.clientId, clientSecret: 'nope' } },
    );
    assertOAuthError(wrong, 401, 'invalid_client');
    assert.match(wrong.headers.get('www-authenticate') ?? '', /^Basic\b/i);
  });

  it('refuses a request without a token with invalid_request', async () => {
    assertOAuthError(await postForm(`${server.url}/introspect`, {}, { basic: seed.backend }), 400, 'invalid_request');
  });
});
