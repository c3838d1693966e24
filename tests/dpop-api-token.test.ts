/**
 * An API token bound to a DPoP key at creation (RFC 9449): introspection says so (`token_type: DPoP`, `cnf.jkt`),
 * and the gateway and the SDK take it only as `Authorization: DPoP` with a proof made with that key; presented as a
 * bearer token, or with another key's proof, it is refused, so a leaked `tg_` secret alone is useless.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { type AdminClient, addDashboardUser, assertAdminError, signIn } from './support/admin-api.js';
import { type DpopKey, dpopKey, dpopProof } from './support/dpop.js';
import { type HttpResult, request } from './support/http.js';
import { addApi, USER_API } from './support/seed.js';
import { introspect } from './support/tokens.js';
import { startTollgate, type TollgateProcess } from './support/tollgate.js';
import { startVerifiers, type Verifiers } from './support/verifiers.js';

const PASSWORD = 'alice has a long password';

describe('an API token bound to a DPoP key', () => {
  let server: TollgateProcess;
  let alice: AdminClient;
  let verifiers: Verifiers;
  let key: DpopKey;
  let secret: string;

  before(async () => {
    server = await startTollgate();
    await addApi(server, USER_API, ['read:data'], { isDefault: true });
    await addDashboardUser(server, 'alice', PASSWORD, { scopes: ['read:data'] });
    alice = await signIn(server.url, 'alice', PASSWORD);
    verifiers = await startVerifiers(server, USER_API, { routes: (upstream) => [{ path: '/data', upstream }] });
    key = await dpopKey('ES256');
    const created = await alice.post('/tokens', {
      name: 'bound',
      apis: [USER_API],
      scopes: ['read:data'],
      dpopJkt: key.jkt,
    });
    assert.equal(created.status, 201, created.text);
    const body = created.json as { token: { dpopJkt: unknown }; secret: string };
    assert.equal(body.token.dpopJkt, key.jkt);
    secret = body.secret;
  });
  after(async () => {
    await verifiers?.close();
    await server?.stop();
  });

  async function withProof(url: string, proofKey: DpopKey): Promise<HttpResult> {
    const proof = await dpopProof(proofKey, {
      htm: 'GET',
      htu: url,
      ath: createHash('sha256').update(secret).digest('base64url'),
    });
    return request(url, { headers: { authorization: `DPoP ${secret}`, dpop: proof } });
  }

  it('is introspected as DPoP-bound, naming its key (RFC 9449 6.2)', async () => {
    const answer = await introspect(server.url, verifiers.verifierClient, secret);
    assert.equal(answer.active, true);
    assert.equal(answer.token_type, 'DPoP');
    assert.deepEqual(answer.cnf, { jkt: key.jkt });
  });

  for (const [where, url] of [
    ['the gateway', () => `${verifiers.gateway.url}/data`],
    ['the SDK', () => `${verifiers.sdkApi.url}/data`],
  ] as const) {
    it(`is served at ${where} with a proof from its key, and refused as Bearer or with another key's proof`, async () => {
      const own = await withProof(url(), key);
      assert.equal(own.status, 200, own.text);
      const asBearer = await request(url(), { headers: { authorization: `Bearer ${secret}` } });
      assert.equal(asBearer.status, 401, asBearer.text);
      assert.match(asBearer.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
      const thief = await withProof(url(), await dpopKey('ES256'));
      assert.equal(thief.status, 401, thief.text);
      assert.match(thief.headers.get('www-authenticate') ?? '', /error_description="Invalid DPoP key binding"/);
    });
  }

  it('refuses a dpopJkt that is not a key thumbprint, naming the rule', async () => {
    const refused = await alice.post('/tokens', { name: 'x', apis: [USER_API], scopes: ['read:data'], dpopJkt: 'k1' });
    assert.match(assertAdminError(refused, 400, 'invalid_request'), /RFC 7638 SHA-256 thumbprint/);
  });
});
