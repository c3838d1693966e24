/**
 * The verify SDK against a real running Tollgate: every RFC 6750 3 outcome, both from the SDK's API
 * (verify/authenticate throwing BearerError) and on the wire from an API protected with
 * `@tollgate/verify/node`; and every forged-token kind refused with 401 invalid_token.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BearerError, createVerifier, type Verifier } from '@tollgate/verify';
import { assertBearerRefusal } from './support/challenge.js';
import { forgeAll } from './support/forge.js';
import { type ClientCredentials, request } from './support/http.js';
import { type ProtectedApi, startProtectedApi } from './support/protected.js';
import { rawRequest } from './support/raw-http.js';
import { ADMIN_API, addApi, addClient, seedStandard, type StandardSeed, USER_API } from './support/seed.js';
import { clientCredentialsToken, revoke } from './support/tokens.js';
import { startTollgate, type TollgateProcess } from './support/tollgate.js';
import { waitUntil } from './support/wait.js';

const SHORT_API = 'https://api.example.com/short';
const DEFAULT_LEEWAY_SECONDS = 5;

/** The BearerError `promise` rejects with; fails the test if it resolves or throws anything else. */
async function refusal(promise: Promise<unknown>): Promise<BearerError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof BearerError, `expected a BearerError, got ${String(error)}`);
    return error;
  }
  assert.fail('the token was accepted');
}

describe('verify SDK against a real Tollgate', () => {
  let server: TollgateProcess;
  let seed: StandardSeed;
  let shortClient: ClientCredentials;
  let verifier: Verifier;
  let api: ProtectedApi;
  let scopedApi: ProtectedApi;
  let genuine: string;
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  before(async () => {
    server = await startTollgate();
    seed = await seedStandard(server);
    await addApi(server, SHORT_API, ['ping'], { tokenTtl: '1m' });
    shortClient = await addClient(server, 'short-lived', { scopes: ['ping'], apis: [SHORT_API] });
    verifier = createVerifier({ issuer: server.url, audience: USER_API, cacheSize: 0 });
    api = await startProtectedApi({ issuer: server.url, audience: USER_API });
    scopedApi = await startProtectedApi({ issuer: server.url, audience: USER_API }, { scopes: 'read:data write:data' });
    genuine = (await clientCredentialsToken(server.url, seed.backend, { scope: 'read:data' })).access_token;
  });
  after(async () => {
    await Promise.all([verifier?.close(), api?.close(), scopedApi?.close()]);
    await server?.stop();
  });

  it('accepts a genuine token and reports its subject, client and scopes', async () => {
    const token = await verifier.verify(genuine);
    assert.equal(token.clientId, seed.backend.clientId);
    assert.equal(token.subject, seed.backend.clientId, 'a client_credentials token is about the client');
    assert.deepEqual([...token.scopes], ['read:data']);
    assert.equal(token.claims.aud, USER_API);
    const result = await request(`${api.url}/`, { headers: bearer(genuine) });
    assert.equal(result.status, 200, result.text);
    assert.deepEqual(result.json, {
      subject: seed.backend.clientId,
      clientId: seed.backend.clientId,
      scopes: ['read:data'],
    });
  });

  it('answers a request without a token with 401 and a bare Bearer realm challenge (RFC 6750 3.1)', async () => {
    const error = await refusal(verifier.authenticate({ headers: {} }));
    assert.equal(error.status, 401);
    assert.equal(error.error, undefined);
    const handledBefore = api.handled();
    const result = await request(`${api.url}/`);
    assertBearerRefusal(result, { status: 401, realm: USER_API }, 'no token');
    assert.equal(result.text, '', 'a bare challenge has no error body');
    assert.equal(api.handled(), handledBefore);
  });

  it('refuses an expired token with 401 invalid_token "The access token expired", after the leeway only', async () => {
    const token = (await clientCredentialsToken(server.url, shortClient, { resource: SHORT_API })).access_token;
    let nowMs = Date.now();
    // The cache is on (the default): an entry must die at exp, not outlive it.
    const clocked = createVerifier({ issuer: server.url, audience: SHORT_API, now: () => nowMs });
    try {
      const { claims } = await clocked.verify(token);
      assert.equal(claims.exp - claims.iat, 60, 'the short API issues one-minute tokens');
      nowMs = (claims.exp + DEFAULT_LEEWAY_SECONDS - 1) * 1000;
      await clocked.verify(token);
      nowMs = (claims.exp + DEFAULT_LEEWAY_SECONDS + 1) * 1000;
      const error = await refusal(clocked.verify(token));
      assert.equal(error.status, 401);
      assert.equal(error.error, 'invalid_token');
      assert.equal(error.description, 'The access token expired');
    } finally {
      await clocked.close();
    }
    const expiredApi = await startProtectedApi({
      issuer: server.url,
      audience: SHORT_API,
      now: () => Date.now() + 120_000,
    });
    try {
      const result = await request(`${expiredApi.url}/`, { headers: bearer(token) });
      assertBearerRefusal(
        result,
        { status: 401, realm: SHORT_API, error: 'invalid_token', description: 'The access token expired' },
        'expired',
      );
      assert.equal(expiredApi.handled(), 0);
    } finally {
      await expiredApi.close();
    }
  });

  it('answers another Authorization scheme like no token: 401, bare challenge (RFC 6750 3.1)', async () => {
    const handledBefore = api.handled();
    const otherSchemes = [
      `Basic ${Buffer.from('a:b').toString('base64')}`,
      `Token ${genuine}`,
      'Digest username="a", realm="b", nonce="c", response="d"',
    ];
    for (const header of otherSchemes) {
      const error = await refusal(verifier.authenticate({ headers: { authorization: header } }));
      assert.equal(error.status, 401, header.slice(0, 30));
      const result = await rawRequest(`${api.url}/`, { authorization: header });
      assertBearerRefusal(result, { status: 401, realm: USER_API }, header.slice(0, 30));
      assert.equal(result.text, '', 'a bare challenge has no error body');
    }
    assert.equal(api.handled(), handledBefore, 'no request without a Bearer token reached the handler');
  });

  it('refuses a malformed Authorization header with 400 invalid_request (RFC 6750 2.1, 3.1)', async () => {
    const malformed = [
      'Bearer',
      'Bearer ',
      `Bearer ${genuine} ${genuine}`,
      `Bearer ${genuine}, Bearer ${genuine}`,
      `Bearer ${genuine.slice(0, 20)}$${genuine.slice(21)}`,
      `Bearer "${genuine}"`,
    ];
    const handledBefore = api.handled();
    for (const header of malformed) {
      const error = await refusal(verifier.authenticate({ headers: { authorization: header } }));
      assert.equal(error.status, 400, header.slice(0, 30));
      const result = await rawRequest(`${api.url}/`, { authorization: header });
      assertBearerRefusal(result, { status: 400, realm: USER_API, error: 'invalid_request' }, header.slice(0, 30));
      assert.ok(!result.text.includes(genuine.slice(-20)), 'the answer never echoes the token');
    }
    const twoHeaders = await rawRequest(`${api.url}/`, { authorization: [`Bearer ${genuine}`, `Bearer ${genuine}`] });
    assertBearerRefusal(twoHeaders, { status: 400, realm: USER_API, error: 'invalid_request' }, 'two headers');
    assert.equal(api.handled(), handledBefore, 'no malformed request reached the handler');
  });

  it('refuses a token in the query string with 400 invalid_request unless enabled (RFC 6750 2.3)', async () => {
    const result = await request(`${api.url}/?access_token=${genuine}`);
    assertBearerRefusal(result, { status: 400, realm: USER_API, error: 'invalid_request' }, 'query token');
    const both = await request(`${api.url}/?access_token=${genuine}`, { headers: bearer(genuine) });
    assert.equal(both.status, 400, 'a token in two places is refused too');
  });

  it('refuses a token for another API with 401 invalid_token "The access token is not for this API"', async () => {
    const admin = (await clientCredentialsToken(server.url, seed.backend, { resource: ADMIN_API })).access_token;
    const error = await refusal(verifier.verify(admin));
    assert.equal(error.description, 'The access token is not for this API');
    const result = await request(`${api.url}/`, { headers: bearer(admin) });
    assertBearerRefusal(result, {
      status: 401,
      realm: USER_API,
      error: 'invalid_token',
      description: 'The access token is not for this API',
    });
  });

  it('refuses a token lacking a required scope with 403 insufficient_scope and the scope attribute', async () => {
    const result = await request(`${scopedApi.url}/`, { headers: bearer(genuine) });
    assertBearerRefusal(result, {
      status: 403,
      realm: USER_API,
      error: 'insufficient_scope',
      scope: 'read:data write:data',
    });
    const both = (await clientCredentialsToken(server.url, seed.backend, { scope: 'read:data write:data' }))
      .access_token;
    assert.equal((await request(`${scopedApi.url}/`, { headers: bearer(both) })).status, 200);
  });

  it('refuses a revoked token with 401 invalid_token "The access token was revoked"', async () => {
    const watching = createVerifier({ issuer: server.url, audience: USER_API, client: seed.backend });
    try {
      await watching.ready();
      const token = (await clientCredentialsToken(server.url, seed.backend, { scope: 'read:data' })).access_token;
      await watching.verify(token);
      await revoke(server.url, seed.backend, token);
      const { value: error } = await waitUntil(
        'the revocation reaches the verifier',
        () =>
          watching.verify(token).then(
            () => undefined,
            (rejection: unknown) => rejection,
          ),
        { timeoutMs: 1_000, intervalMs: 25 },
      );
      assert.ok(error instanceof BearerError, String(error));
      assert.equal(error.status, 401);
      assert.equal(error.error, 'invalid_token');
      assert.equal(error.description, 'The access token was revoked');
      assert.equal(watching.revocationStatus().connected, true);
    } finally {
      await watching.close();
    }
  });

  it('refuses every forged token with 401 invalid_token, in the SDK and on the wire', async () => {
    const forged = await forgeAll(server.url, genuine);
    assert.ok(forged.length >= 9);
    const handledBefore = api.handled();
    for (const { kind, token } of forged) {
      const error = await refusal(verifier.verify(token));
      assert.equal(error.status, 401, kind);
      assert.equal(error.error, 'invalid_token', kind);
      assert.ok(!error.message.includes(token), `${kind}: the error never holds the token`);
      const result = await request(`${api.url}/`, { headers: bearer(token) });
      assertBearerRefusal(result, { status: 401, realm: USER_API, error: 'invalid_token' }, kind);
    }
    assert.equal(api.handled(), handledBefore, 'no forged token reached the handler');
  });
});
