/**
 * No token, secret or password ever reaches the logs: after a full cycle of every endpoint, including
 * failures and malformed bodies, at the most verbose log level, the server's output contains none of them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { asObject, assertTokenResponse, postForm, postJson, request } from './support/http.js';
import { addClient, addUser, type StandardSeed, seedStandard } from './support/seed.js';
import {
  clientCredentialsToken,
  introspect,
  jsonLogin,
  passwordToken,
  refreshRequest,
  revoke,
} from './support/tokens.js';
import { startTollgate, type TollgateProcess } from './support/tollgate.js';

describe('logs', () => {
  let server: TollgateProcess;
  let seed: StandardSeed;
  const secrets = new Map<string, string>();
  before(async () => {
    server = await startTollgate({ config: { logLevel: 'trace' } });
    seed = await seedStandard(server);
  });
  after(() => server?.stop());

  function keep(what: string, value: string | undefined): void {
    assert.ok(value, `${what} is missing`);
    secrets.set(what, value);
  }

  it('runs a full cycle of logins, grants, refreshes, introspections, revocations and failures', async () => {
    keep('password', seed.user.password);
    keep('client secret', seed.backend.clientSecret);
    const wrongPassword = 'Wr0ng-But-Secret-Password';
    keep('wrong password', wrongPassword);
    const secondUserPassword = 'dave-password-from-stdin';
    await addUser(server, 'dave', secondUserPassword, ['read:data']);
    keep('password given on stdin', secondUserPassword);
    const postClient = await addClient(server, 'poster', { scopes: ['read:data'] });
    keep('second client secret', postClient.clientSecret);

    const login = await jsonLogin(server.url, seed.user.username, seed.user.password);
    keep('login access token', login.access_token);
    keep('login refresh token', login.refresh_token);
    const refreshed = assertTokenResponse(await refreshRequest(server.url, login.refresh_token ?? ''));
    keep('rotated refresh token', refreshed.refresh_token);
    keep('refreshed access token', refreshed.access_token);
    const password = await passwordToken(server.url, seed.backend, seed.user);
    keep('password-grant refresh token', password.refresh_token);
    const basic = await clientCredentialsToken(server.url, seed.backend);
    keep('client_credentials token', basic.access_token);
    const posted = await postForm(`${server.url}/token`, {
      grant_type: 'client_credentials',
      client_id: postClient.clientId,
      client_secret: postClient.clientSecret,
    });
    keep('client_secret_post token', assertTokenResponse(posted).access_token);

    await introspect(server.url, seed.backend, basic.access_token);
    await introspect(server.url, seed.backend, password.refresh_token ?? '');
    await revoke(server.url, seed.backend, basic.access_token);
    await revoke(server.url, seed.backend, password.refresh_token ?? '');
    await revoke(server.url, undefined, refreshed.refresh_token ?? '');
    // Replaying a used refresh token is an incident the server will want to log; the token must not be in it.
    await refreshRequest(server.url, login.refresh_token ?? '');

    await postJson(`${server.url}/token`, { username: seed.user.username, password: wrongPassword });
    await postForm(
      `${server.url}/token`,
      { grant_type: 'password', username: 'nobody', password: wrongPassword },
      { basic: seed.backend },
    );
    await postForm(
      `${server.url}/token`,
      { grant_type: 'client_credentials' },
      {
        basic: { clientId: seed.backend.clientId, clientSecret: `${wrongPassword}-as-secret` },
      },
    );
    keep('wrong client secret', `${wrongPassword}-as-secret`);
    // Malformed JSON around a password: a parser error quoting its input must not carry it into logs or replies.
    const truncated = await postJson(`${server.url}/token`, `{"username": "alice", "password": "${seed.user.password}`);
    assert.equal(truncated.status, 400);
    assert.ok(!truncated.text.includes(seed.user.password), `the 400 reply quotes the password: ${truncated.text}`);
    const badJson = await postJson(`${server.url}/token`, `{"password": "${wrongPassword}", oops}`);
    assert.ok(!badJson.text.includes(wrongPassword), `the 400 reply quotes the body: ${badJson.text}`);
    // A bearer token sent where it does not belong, and as a query parameter.
    await request(`${server.url}/token?access_token=${login.access_token}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${refreshed.access_token}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    });
    await request(`${server.url}/introspect`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${refreshed.access_token}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: `token=${login.access_token}`,
    });
    assert.ok(asObject((await request(`${server.url}/.well-known/jwks.json`)).json).keys);
  });

  it('prints none of those secrets, not even a token signature', async () => {
    await server.stop().catch(() => undefined);
    const output = server.output();
    assert.ok(output.length > 0, 'the server printed nothing at all');
    for (const [what, value] of secrets) {
      assert.ok(!output.includes(value), `the server output contains the ${what}`);
      const signature = value.split('.')[2];
      if (signature !== undefined && signature.length > 16) {
        assert.ok(!output.includes(signature), `the server output contains the signature of the ${what}`);
      }
      const encoded = encodeURIComponent(value);
      assert.ok(!output.includes(encoded), `the server output contains the URL-encoded ${what}`);
    }
  });
});
