/**
 * RFC 6749 5.2 errors of the token endpoint, exactly: status, `error`, a description, no caching. No
 * input, however odd, gives a 5xx or takes the server down.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertOAuthError, basicAuthorization, postForm, postJson, request } from './support/http.js';
import { type StandardSeed, seedStandard } from './support/seed.js';
import { startTollgate, type TollgateProcess } from './support/tollgate.js';

const BODY_LIMIT_BYTES = 64 * 1024;

describe('token endpoint errors', () => {
  let server: TollgateProcess;
  let seed: StandardSeed;
  let tokenUrl: string;
  before(async () => {
    server = await startTollgate();
    seed = await seedStandard(server);
    tokenUrl = `${server.url}/token`;
  });
  after(() => server?.stop());

  it('refuses an unknown grant_type with unsupported_grant_type', async () => {
    for (const grantType of ['implicit', 'urn:ietf:params:oauth:grant-type:device_code', '']) {
      const result = await postForm(tokenUrl, { grant_type: grantType }, { basic: seed.backend });
      const expected = grantType === '' ? 'invalid_request' : 'unsupported_grant_type';
      assertOAuthError(result, 400, expected);
    }
  });

  it('refuses a request without grant_type with invalid_request', async () => {
    assertOAuthError(await postForm(tokenUrl, { scope: 'read:data' }, { basic: seed.backend }), 400, 'invalid_request');
    assertOAuthError(await postJson(tokenUrl, { username: seed.user.username }), 400, 'invalid_request');
  });

  it('refuses a missing password or username with invalid_request', async () => {
    assertOAuthError(
      await postForm(tokenUrl, { grant_type: 'password', username: 'alice' }, { basic: seed.backend }),
      400,
      'invalid_request',
    );
    assertOAuthError(
      await postForm(tokenUrl, { grant_type: 'password', password: 'x' }, { basic: seed.backend }),
      400,
      'invalid_request',
    );
  });

  it('refuses a wrong secret over Basic with 401 invalid_client and WWW-Authenticate: Basic', async () => {
    const wrong = { clientId: seed.backend.clientId, clientSecret: `${seed.backend.clientSecret}x` };
    const result = await postForm(tokenUrl, { grant_type: 'client_credentials' }, { basic: wrong });
    assertOAuthError(result, 401, 'invalid_client');
    assert.match(result.headers.get('www-authenticate') ?? '', /^Basic\b/i, 'RFC 6749 5.2: WWW-Authenticate for Basic');
  });

  it('refuses a wrong secret in the body with 401 invalid_client', async () => {
    const result = await postForm(tokenUrl, {
      grant_type: 'client_credentials',
      client_id: seed.backend.clientId,
      client_secret: 'wrong',
    });
    assertOAuthError(result, 401, 'invalid_client');
  });

  it('answers an unknown client exactly like a wrong secret', async () => {
    const wrongSecret = await postForm(
      tokenUrl,
      { grant_type: 'client_credentials' },
      {
        basic: { clientId: seed.backend.clientId, clientSecret: 'wrong' },
      },
    );
    const unknown = await postForm(
      tokenUrl,
      { grant_type: 'client_credentials' },
      {
        basic: { clientId: 'no-such-client', clientSecret: 'wrong' },
      },
    );
    assertOAuthError(unknown, 401, 'invalid_client');
    assert.deepEqual(unknown.json, wrongSecret.json);
  });

  it('refuses an Authorization header that is not Basic base64 of id:secret with 401 invalid_client', async () => {
    for (const header of [
      'Basic',
      'Bearer abc',
      'Basic !!!',
      `Basic ${Buffer.from('no-colon').toString('base64')}`,
      'Basic %%%',
    ]) {
      const result = await postForm(
        tokenUrl,
        { grant_type: 'client_credentials' },
        { headers: { authorization: header } },
      );
      assertOAuthError(result, 401, 'invalid_client');
      assert.match(result.headers.get('www-authenticate') ?? '', /^Basic\b/i, header);
    }
  });

  it('refuses two client authentication methods at once (RFC 6749 2.3)', async () => {
    const result = await postForm(
      tokenUrl,
      { grant_type: 'client_credentials', client_id: seed.backend.clientId, client_secret: seed.backend.clientSecret },
      { basic: seed.backend },
    );
    assertOAuthError(result, 400, 'invalid_request');
  });

  it('refuses a NUL character in any parameter with a 400 or 401 that says so, on every store', async () => {
    const nulInForm = await postForm(tokenUrl, { grant_type: 'password', username: 'al\u0000ice', password: 'x' });
    assert.match(String(assertOAuthError(nulInForm, 400, 'invalid_request').error_description), /NUL/);
    const nulInJson = await postJson(`${server.url}/api/v1/session`, { username: 'a\u0000', password: 'x' });
    assert.equal(nulInJson.status, 400, nulInJson.text);
    assert.match(nulInJson.text, /NUL/);
    const nulInBasic = await postForm(
      tokenUrl,
      { grant_type: 'client_credentials' },
      { basic: { clientId: `${seed.backend.clientId}\u0000`, clientSecret: seed.backend.clientSecret } },
    );
    assertOAuthError(nulInBasic, 401, 'invalid_client');
    const nulInIntrospection = await postForm(
      `${server.url}/introspect`,
      { token: 'tg_\u0000' },
      { basic: seed.backend },
    );
    assertOAuthError(nulInIntrospection, 400, 'invalid_request');
  });

  it('answers a wrong password and an unknown user with the identical invalid_grant', async () => {
    const form = (username: string, password: string) =>
      postForm(tokenUrl, { grant_type: 'password', username, password }, { basic: seed.backend });
    const wrongPassword = await form(seed.user.username, 'not the password');
    const unknownUser = await form('mallory', 'not the password');
    assertOAuthError(wrongPassword, 400, 'invalid_grant');
    assertOAuthError(unknownUser, 400, 'invalid_grant');
    assert.equal(unknownUser.text, wrongPassword.text);

    const jsonWrong = await postJson(tokenUrl, { username: seed.user.username, password: 'nope' });
    const jsonUnknown = await postJson(tokenUrl, { username: 'mallory', password: 'nope' });
    assertOAuthError(jsonWrong, 400, 'invalid_grant');
    assert.equal(jsonUnknown.text, jsonWrong.text);
  });

  it('refuses a scope beyond what the user or client may have with invalid_scope', async () => {
    const user = await postForm(
      tokenUrl,
      {
        grant_type: 'password',
        username: seed.user.username,
        password: seed.user.password,
        scope: 'read:data profile',
      },
      { basic: seed.backend },
    );
    assertOAuthError(user, 400, 'invalid_scope');
    const client = await postForm(
      tokenUrl,
      { grant_type: 'client_credentials', scope: 'read:data nonexistent' },
      { basic: seed.backend },
    );
    assertOAuthError(client, 400, 'invalid_scope');
  });

  it('refuses malformed JSON with 400 invalid_request', async () => {
    const bodies = [
      '{',
      '{"username": "alice", "password": ',
      '[1, 2]',
      '"string"',
      'null',
      '42',
      '{"a":1}{"b":2}',
      '\u0000',
    ];
    for (const body of bodies) {
      assertOAuthError(await postJson(tokenUrl, body), 400, 'invalid_request');
    }
  });

  it('refuses JSON parameters that are not strings with 400 invalid_request', async () => {
    const bodies: unknown[] = [
      { username: { $ne: null }, password: 'x' },
      { username: 'alice', password: ['a', 'b'] },
      { username: 1, password: 2 },
      { grant_type: ['client_credentials'] },
      { grant_type: 'password', username: 'alice', password: null },
    ];
    for (const body of bodies) {
      assertOAuthError(await postJson(tokenUrl, body, { basic: seed.backend }), 400, 'invalid_request');
    }
  });

  it('refuses malformed form bodies with 400 invalid_request', async () => {
    for (const body of ['grant_type=%ZZ', 'grant_type=client_credentials&scope=%E0%A4%A', 'grant_type=%']) {
      assertOAuthError(await postForm(tokenUrl, body, { basic: seed.backend }), 400, 'invalid_request');
    }
  });

  it('refuses duplicated parameters with invalid_request', async () => {
    const duplicates: Array<Array<[string, string]>> = [
      [
        ['grant_type', 'client_credentials'],
        ['grant_type', 'client_credentials'],
      ],
      [
        ['grant_type', 'client_credentials'],
        ['scope', 'read:data'],
        ['scope', 'write:data'],
      ],
      [
        ['grant_type', 'password'],
        ['username', seed.user.username],
        ['username', 'mallory'],
        ['password', seed.user.password],
      ],
    ];
    for (const params of duplicates) {
      assertOAuthError(await postForm(tokenUrl, params, { basic: seed.backend }), 400, 'invalid_request');
    }
    const bodyCredentials: Array<[string, string]> = [
      ['grant_type', 'client_credentials'],
      ['client_id', seed.backend.clientId],
      ['client_id', seed.backend.clientId],
      ['client_secret', seed.backend.clientSecret],
    ];
    assertOAuthError(await postForm(tokenUrl, bodyCredentials), 400, 'invalid_request');
  });

  it('refuses a body over 64 KiB with 413', async () => {
    const bigForm = `grant_type=client_credentials&scope=${'a'.repeat(BODY_LIMIT_BYTES)}`;
    const form = await postForm(tokenUrl, bigForm, { basic: seed.backend });
    assert.equal(form.status, 413, `form: ${form.status} ${form.text.slice(0, 200)}`);
    const json = await postJson(tokenUrl, { username: 'alice', password: 'p'.repeat(BODY_LIMIT_BYTES) });
    assert.equal(json.status, 413, `json: ${json.status} ${json.text.slice(0, 200)}`);
  });

  it('accepts a body just under the limit without a 413', async () => {
    const padding = 'a'.repeat(BODY_LIMIT_BYTES - 200);
    const result = await postForm(
      tokenUrl,
      { grant_type: 'client_credentials', scope: padding },
      { basic: seed.backend },
    );
    assert.notEqual(result.status, 413);
    assert.ok(result.status === 400, `status ${result.status}`);
  });

  it('answers GET /token with 405 and Allow: POST', async () => {
    const result = await request(tokenUrl);
    assert.equal(result.status, 405);
    assert.match(result.headers.get('allow') ?? '', /\bPOST\b/, 'RFC 9110 15.5.6: a 405 carries Allow');
  });

  it('never answers odd input with a 5xx, and stays up', async () => {
    const odd: Array<{ type: string; body: string | Uint8Array; authorization?: string }> = [
      { type: 'text/plain', body: 'grant_type=client_credentials' },
      { type: 'application/xml', body: '<a/>' },
      {
        type: 'multipart/form-data; boundary=x',
        body: '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n--x--',
      },
      { type: 'application/json', body: '{"__proto__": {"admin": true}, "username": "alice", "password": "x"}' },
      { type: 'application/json', body: `${'['.repeat(5000)}${']'.repeat(5000)}` },
      { type: 'application/json', body: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]) },
      { type: 'application/json; charset=utf-16', body: '{}' },
      { type: 'application/x-www-form-urlencoded', body: new Uint8Array([0x61, 0x3d, 0xff, 0xfe]) },
      { type: 'application/x-www-form-urlencoded', body: '&&&===&' },
      { type: 'application/x-www-form-urlencoded', body: 'grant_type=password&username=\u0000&password=\u0000' },
      {
        type: 'application/x-www-form-urlencoded',
        body: `grant_type=client_credentials&resource=${'x'.repeat(10000)}`,
      },
      { type: 'application/x-www-form-urlencoded', body: 'grant_type=refresh_token&refresh_token=%00%00' },
      {
        type: 'application/x-www-form-urlencoded',
        body: 'grant_type=client_credentials',
        authorization: `Basic ${'A'.repeat(20000)}`,
      },
      { type: 'application/x-www-form-urlencoded', body: 'grant_type=client_credentials', authorization: 'Bearer abc' },
      {
        type: 'application/x-www-form-urlencoded',
        body: 'grant_type=client_credentials',
        authorization: basicAuthorization('a'.repeat(600), 'b'.repeat(600)),
      },
      { type: '', body: '' },
    ];
    for (const input of odd) {
      const headers: Record<string, string> = {};
      if (input.type !== '') headers['content-type'] = input.type;
      if (input.authorization !== undefined) headers.authorization = input.authorization;
      const result = await request(tokenUrl, { method: 'POST', headers, body: input.body });
      assert.ok(
        result.status >= 400 && result.status < 500,
        `${input.type} ${String(input.body).slice(0, 40)}: ${result.status} ${result.text.slice(0, 200)}`,
      );
    }
    assert.ok(server.alive());
    assert.equal((await request(`${server.url}/.well-known/jwks.json`)).status, 200);
  });
});
