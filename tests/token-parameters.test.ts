/**
 * RFC 6749 3.2: the authorization server MUST ignore unrecognized request parameters, and (3.1) a parameter sent
 * without a value is as if omitted. Extra JSON members of any type and `null` values do not break a login; extra
 * form parameters, even repeated, do not break a grant; a recognised parameter of the wrong type is still
 * `400 invalid_request`, naming it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { asObject, assertOAuthError, assertTokenResponse, postForm, postJson } from './support/http.js';
import { type StandardSeed, seedStandard } from './support/seed.js';
import { startTollgate, type TollgateProcess } from './support/tollgate.js';

describe('unrecognised and null parameters', () => {
  let server: TollgateProcess;
  let seed: StandardSeed;
  let tokenUrl: string;
  before(async () => {
    server = await startTollgate();
    seed = await seedStandard(server);
    tokenUrl = `${server.url}/token`;
  });
  after(() => server?.stop());

  it('logs in with JSON members it does not know, of any type', async () => {
    const { username, password } = seed.user;
    const credentials = JSON.stringify({ username, password }).slice(1, -1);
    const bodies = [
      JSON.stringify({ username, password, remember: true }),
      JSON.stringify({ username, password, device: { id: 7 }, tags: ['a', 1, null], attempts: 3, note: null }),
      `{${credentials},"__proto__":{"admin":true},"constructor":"x"}`,
    ];
    for (const body of bodies) {
      const tokens = assertTokenResponse(await postJson(tokenUrl, body));
      assert.equal(tokens.scope, 'read:data write:data', body);
    }
  });

  it('reads null as absent: "scope": null grants what an omitted scope grants', async () => {
    const { username, password } = seed.user;
    const tokens = assertTokenResponse(await postJson(tokenUrl, { username, password, scope: null }));
    assert.equal(tokens.scope, 'read:data write:data');
    const narrowed = assertTokenResponse(await postJson(tokenUrl, { username, password, scope: 'read:data' }));
    assert.equal(narrowed.scope, 'read:data');
  });

  it('ignores unrecognised form parameters at the token endpoint, even repeated', async () => {
    const extras: Array<[string, string]> = [
      ['grant_type', 'client_credentials'],
      ['remember', '1'],
      ['remember', '2'],
      ['state', 'xyz'],
    ];
    assertTokenResponse(await postForm(tokenUrl, extras, { basic: seed.backend }));
    const { username, password } = seed.user;
    const grant = { grant_type: 'password', username, password, remember: 'true', redirect_uri: 'https://x' };
    assertTokenResponse(await postForm(tokenUrl, grant, { basic: seed.backend }));
  });

  it('ignores unrecognised members at introspection and revocation too', async () => {
    const { access_token: token } = assertTokenResponse(
      await postForm(tokenUrl, { grant_type: 'client_credentials' }, { basic: seed.backend }),
    );
    const introspected = await postJson(
      `${server.url}/introspect`,
      { token, token_type_hint: null, extra: { nested: [1] } },
      { basic: seed.backend },
    );
    assert.equal(introspected.status, 200, introspected.text);
    assert.equal(asObject(introspected.json).active, true);
    const revoked = await postJson(`${server.url}/revoke`, { token, flag: false }, { basic: seed.backend });
    assert.equal(revoked.status, 200, revoked.text);
  });

  it('refuses a recognised parameter of the wrong type with 400 invalid_request, naming it', async () => {
    const cases: Array<[unknown, string]> = [
      [{ username: 5, password: 'x' }, 'parameter username must be a string'],
      [{ username: 'alice', password: ['a'] }, 'parameter password must be a string'],
      [{ username: 'alice', password: 'x', scope: { read: true } }, 'parameter scope must be a string'],
      [
        { username: 'alice', password: 'x', resource: [1] },
        'parameter resource must be a string or an array of strings',
      ],
    ];
    for (const [body, description] of cases) {
      const refused = assertOAuthError(await postJson(tokenUrl, body), 400, 'invalid_request');
      assert.equal(refused.error_description, description, JSON.stringify(body));
    }
  });

  it('still refuses a recognised parameter sent twice', async () => {
    const repeated: Array<[string, string]> = [
      ['grant_type', 'client_credentials'],
      ['scope', 'read:data'],
      ['scope', 'write:data'],
    ];
    const refused = assertOAuthError(
      await postForm(tokenUrl, repeated, { basic: seed.backend }),
      400,
      'invalid_request',
    );
    assert.equal(refused.error_description, 'parameter scope is repeated');
  });
});
