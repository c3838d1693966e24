/**
 * The token endpoint's half of DPoP (RFC 9449 5): a request with one valid proof gets tokens bound to the proof's
 * key (`cnf.jkt`, `token_type: DPoP`), introspection tells the key (6.2), a public client's refresh token works only
 * with proofs made with that key, and every bad proof is refused with `invalid_dpop_proof`.
 */
import assert from 'node:assert/strict';
import { webcrypto } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { dpopKey, type DpopKey, tokenEndpointProof } from './support/dpop.js';
import {
  asObject,
  assertOAuthError,
  assertTokenResponse,
  type HttpResult,
  postForm,
  postJson,
  request,
} from './support/http.js';
import { verifyAccessToken } from './support/jwt.js';
import { discover, insecure, oauth } from './support/oauth.js';
import { addDashboardUser, assertAdminError, signIn } from './support/admin-api.js';
import { addClient, cliJson, type StandardSeed, seedStandard, USER_API } from './support/seed.js';
import { introspect } from './support/tokens.js';
import { startTollgate, type TollgateProcess } from './support/tollgate.js';

describe('DPoP at the token endpoint', () => {
  let server: TollgateProcess;
  let seed: StandardSeed;
  let key: DpopKey;
  before(async () => {
    server = await startTollgate();
    seed = await seedStandard(server);
    key = await dpopKey('ES256');
  });
  after(() => server?.stop());

  function clientCredentials(headers: Record<string, string>): Promise<HttpResult> {
    return postForm(`${server.url}/token`, { grant_type: 'client_credentials' }, { basic: seed.backend, headers });
  }

  function refresh(refreshToken: string, headers: Record<string, string> = {}, confidential = false) {
    const params = { grant_type: 'refresh_token', refresh_token: refreshToken };
    return postForm(`${server.url}/token`, params, { headers, ...(confidential ? { basic: seed.backend } : {}) });
  }

  async function cnfOf(accessToken: string): Promise<unknown> {
    return (await verifyAccessToken(server.url, accessToken, USER_API)).payload.cnf;
  }

  it("binds a client_credentials token to the key of oauth4webapi's proof", async () => {
    const as = await discover(server.url);
    const client: oauth.Client = { client_id: seed.backend.clientId };
    const keyPair = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
      'sign',
      'verify',
    ])) as oauth.CryptoKeyPair;
    const DPoP = oauth.DPoP(client, keyPair);
    const auth = oauth.ClientSecretBasic(seed.backend.clientSecret);
    const response = await oauth.clientCredentialsGrantRequest(as, client, auth, {}, { ...insecure, DPoP });
    const tokens = await oauth.processClientCredentialsResponse(as, client, response);
    assert.equal(tokens.token_type, 'dpop');
    assert.deepEqual(await cnfOf(tokens.access_token), { jkt: await DPoP.calculateThumbprint() });
  });

  it('binds to an EdDSA proof key too, and introspection names the key and the DPoP type', async () => {
    const edKey = await dpopKey('EdDSA');
    const result = await clientCredentials({ dpop: await tokenEndpointProof(edKey, server.url) });
    const body = assertTokenResponse(result, 'DPoP');
    assert.deepEqual(await cnfOf(body.access_token), { jkt: edKey.jkt });
    const answer = await introspect(server.url, seed.backend, body.access_token);
    assert.equal(answer.active, true);
    assert.equal(answer.token_type, 'DPoP');
    assert.deepEqual(answer.cnf, { jkt: edKey.jkt });
  });

  it('issues a bearer token, without cnf, to a request without a proof', async () => {
    const body = assertTokenResponse(await clientCredentials({}), 'Bearer');
    assert.equal(await cnfOf(body.access_token), undefined);
    const answer = await introspect(server.url, seed.backend, body.access_token);
    assert.equal(answer.token_type, 'Bearer');
    assert.equal(answer.cnf, undefined);
  });

  it('advertises the proof algorithms it accepts (RFC 9449 5.1)', async () => {
    const metadata = asObject((await request(`${server.url}/.well-known/oauth-authorization-server`)).json);
    assert.deepEqual(metadata.dpop_signing_alg_values_supported, ['ES256', 'EdDSA']);
  });

  it('refuses a proof sent a second time', async () => {
    const proof = await tokenEndpointProof(key, server.url);
    assertTokenResponse(await clientCredentials({ dpop: proof }), 'DPoP');
    const body = assertOAuthError(await clientCredentials({ dpop: proof }), 400, 'invalid_dpop_proof');
    assert.equal(body.error_description, 'The DPoP proof was already used');
  });

  it('remembers a proof only for an authenticated request, so nobody can use up proofs (or the cache) unauthenticated', async () => {
    const proof = await tokenEndpointProof(key, server.url);
    const stranger = { clientId: seed.backend.clientId, clientSecret: 'not the secret' };
    const grant = { grant_type: 'client_credentials' };
    const refused = await postForm(`${server.url}/token`, grant, { basic: stranger, headers: { dpop: proof } });
    assertOAuthError(refused, 401, 'invalid_client');
    assertTokenResponse(await clientCredentials({ dpop: proof }), 'DPoP');
    assertOAuthError(await clientCredentials({ dpop: proof }), 400, 'invalid_dpop_proof');
  });

  it('refuses proofs made for another URL, another method, or too long ago, naming what is wrong', async () => {
    const cases: Array<[string, Promise<string>, string]> = [
      ['another URL', tokenEndpointProof(key, server.url, { htu: `${server.url}/introspect` }), 'another URI'],
      ['another host', tokenEndpointProof(key, 'https://tollgate.example'), 'another URI'],
      ['another method', tokenEndpointProof(key, server.url, { htm: 'GET' }), 'another HTTP method'],
      ['an old iat', tokenEndpointProof(key, server.url, { iat: Math.floor(Date.now() / 1000) - 3600 }), 'too old'],
    ];
    for (const [what, proof, description] of cases) {
      const body = assertOAuthError(await clientCredentials({ dpop: await proof }), 400, 'invalid_dpop_proof');
      assert.match(String(body.error_description), new RegExp(description), what);
    }
  });

  it('refuses two DPoP headers and a proof that is not a JWT (RFC 9449 4.3)', async () => {
    const [first, second] = await Promise.all([
      tokenEndpointProof(key, server.url),
      tokenEndpointProof(key, server.url),
    ]);
    const twice = await request(`${server.url}/token`, {
      method: 'POST',
      headers: [
        ['content-type', 'application/x-www-form-urlencoded'],
        [
          'authorization',
          `Basic ${Buffer.from(`${seed.backend.clientId}:${seed.backend.clientSecret}`).toString('base64')}`,
        ],
        ['dpop', first],
        ['dpop', second],
      ],
      body: 'grant_type=client_credentials',
    });
    assert.equal(assertOAuthError(twice, 400, 'invalid_dpop_proof').error_description, 'Send exactly one DPoP header');
    assertOAuthError(await clientCredentials({ dpop: 'not-a-proof' }), 400, 'invalid_dpop_proof');
  });

  it("binds the JSON login's refresh token to the key: same key refreshes, no proof or another key does not", async () => {
    const login = await postJson(`${server.url}/token`, seed.user, {
      headers: { dpop: await tokenEndpointProof(key, server.url) },
    });
    const first = assertTokenResponse(login, 'DPoP');
    assert.deepEqual(await cnfOf(first.access_token), { jkt: key.jkt });
    const refreshToken = first.refresh_token ?? assert.fail('the login issues a refresh token');

    assertOAuthError(await refresh(refreshToken), 400, 'invalid_dpop_proof');
    const otherKey = await dpopKey('ES256');
    const stolen = await refresh(refreshToken, { dpop: await tokenEndpointProof(otherKey, server.url) });
    assertOAuthError(stolen, 400, 'invalid_grant');

    const refreshed = assertTokenResponse(
      await refresh(refreshToken, { dpop: await tokenEndpointProof(key, server.url) }),
      'DPoP',
    );
    assert.deepEqual(await cnfOf(refreshed.access_token), { jkt: key.jkt });
  });

  it('lets a confidential client refresh with a new key: its secret, not the key, holds the refresh token', async () => {
    const params = { grant_type: 'password', ...seed.user };
    const issued = await postForm(`${server.url}/token`, params, {
      basic: seed.backend,
      headers: { dpop: await tokenEndpointProof(key, server.url) },
    });
    const refreshToken = assertTokenResponse(issued, 'DPoP').refresh_token ?? assert.fail('a refresh token');
    const newKey = await dpopKey('EdDSA');
    const proof = await tokenEndpointProof(newKey, server.url);
    const refreshed = assertTokenResponse(await refresh(refreshToken, { dpop: proof }, true), 'DPoP');
    assert.deepEqual(await cnfOf(refreshed.access_token), { jkt: newKey.jkt });
  });

  describe('an API that takes only DPoP-bound tokens', () => {
    const ORDERS = 'https://orders.example';

    it('is made so with `apis add --dpop required`, and refuses a token request without a proof', async () => {
      const added = (await cliJson(server, [
        'apis',
        'add',
        ORDERS,
        '--scopes',
        'orders:read',
        '--dpop',
        'required',
      ])) as {
        dpop?: unknown;
      };
      assert.equal(added.dpop, 'required');
      const client = await addClient(server, 'orders-backend', { scopes: ['orders:read'], apis: [ORDERS] });
      const grant = { grant_type: 'client_credentials', resource: ORDERS };
      const refused = await postForm(`${server.url}/token`, grant, { basic: client });
      const body = assertOAuthError(refused, 400, 'invalid_dpop_proof');
      assert.equal(body.error_description, `The API ${ORDERS} takes only DPoP-bound tokens: send a DPoP proof`);
      const proof = await tokenEndpointProof(key, server.url);
      const bound = assertTokenResponse(
        await postForm(`${server.url}/token`, grant, { basic: client, headers: { dpop: proof } }),
        'DPoP',
      );
      assert.deepEqual((await verifyAccessToken(server.url, bound.access_token, ORDERS)).payload.cnf, { jkt: key.jkt });
    });

    it('is switched through the admin API, which refuses a policy other than required or allowed', async () => {
      await addDashboardUser(server, 'root', 'a long admin password', { admin: true });
      const admin = await signIn(server.url, 'root', 'a long admin password');
      const path = `/apis/${encodeURIComponent(USER_API)}`;
      assertAdminError(await admin.patch(path, { dpop: 'sometimes' }), 400, 'invalid_request');
      const changed = await admin.patch(path, { dpop: 'required' });
      assert.equal(changed.status, 200, changed.text);
      assert.equal(asObject(changed.json).dpop, 'required');
      try {
        assertOAuthError(await clientCredentials({}), 400, 'invalid_dpop_proof');
        assertTokenResponse(await clientCredentials({ dpop: await tokenEndpointProof(key, server.url) }), 'DPoP');
      } finally {
        const restored = await admin.patch(path, { dpop: 'allowed' });
        assert.equal(restored.status, 200, restored.text);
      }
      assertTokenResponse(await clientCredentials({}), 'Bearer');
    });
  });

  describe('a client that gets only DPoP-bound tokens (RFC 9449 5.2)', () => {
    it('is made so with `clients add --dpop required`, and its token requests need a proof', async () => {
      const created = (await cliJson(server, [
        'clients',
        'add',
        'bound-backend',
        '--scopes',
        'read:data',
        '--dpop',
        'required',
      ])) as { client_id: string; client_secret: string; dpop?: unknown };
      assert.equal(created.dpop, 'required');
      const client = { clientId: created.client_id, clientSecret: created.client_secret };
      const grant = { grant_type: 'client_credentials' };
      const refused = assertOAuthError(
        await postForm(`${server.url}/token`, grant, { basic: client }),
        400,
        'invalid_dpop_proof',
      );
      assert.equal(
        refused.error_description,
        `The client ${client.clientId} gets only DPoP-bound tokens: send a DPoP proof`,
      );
      const proof = await tokenEndpointProof(key, server.url);
      assertTokenResponse(
        await postForm(`${server.url}/token`, grant, { basic: client, headers: { dpop: proof } }),
        'DPoP',
      );
    });

    it('is switched through the admin API, and says so in the client view', async () => {
      const admin = await signIn(server.url, 'root', 'a long admin password');
      const path = `/clients/${encodeURIComponent(seed.backend.clientId)}`;
      assertAdminError(await admin.patch(path, { dpop: 'always' }), 400, 'invalid_request');
      const changed = await admin.patch(path, { dpop: 'required' });
      assert.equal(changed.status, 200, changed.text);
      assert.equal(asObject(changed.json).dpop, 'required');
      try {
        assertOAuthError(await clientCredentials({}), 400, 'invalid_dpop_proof');
      } finally {
        const restored = await admin.patch(path, { dpop: 'allowed' });
        assert.equal(restored.status, 200, restored.text);
      }
      assertTokenResponse(await clientCredentials({}), 'Bearer');
    });
  });
});
