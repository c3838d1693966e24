/** RFC 7009 through oauth4webapi: access tokens, refresh tokens with their family, unknown tokens. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertNoStore, assertOAuthError, assertTokenResponse, postForm } from './support/http.js';
import { discover, insecure, oauth } from './support/oauth.js';
import { addClient, type StandardSeed, seedStandard } from './support/seed.js';
import {
  assertActive,
  assertInactive,
  clientCredentialsToken,
  jsonLogin,
  passwordToken,
  refreshRequest,
  revoke,
} from './support/tokens.js';
import { startTollgate, type TollgateProcess } from './support/tollgate.js';

describe('revocation', () => {
  let server: TollgateProcess;
  let seed: StandardSeed;
  let as: oauth.AuthorizationServer;
  before(async () => {
    server = await startTollgate();
    seed = await seedStandard(server);
    as = await discover(server.url);
  });
  after(() => server?.stop());

  async function revokeViaLibrary(
    token: string,
    hint?: string,
    auth = oauth.ClientSecretBasic(seed.backend.clientSecret),
  ) {
    const options = hint === undefined ? insecure : { ...insecure, additionalParameters: { token_type_hint: hint } };
    const response = await oauth.revocationRequest(as, { client_id: seed.backend.clientId }, auth, token, options);
    assert.equal(response.status, 200);
    await oauth.processRevocationResponse(response);
  }

  it('revokes an access token so that introspection reports it inactive', async () => {
    const tokens = await clientCredentialsToken(server.url, seed.backend);
    await assertActive(server.url, seed.backend, tokens.access_token, 'a fresh token');
    await revokeViaLibrary(tokens.access_token, 'access_token');
    await assertInactive(server.url, seed.backend, tokens.access_token, 'a revoked access token');
  });

  it('revokes an access token sent with client_secret_post and no hint', async () => {
    const tokens = await clientCredentialsToken(server.url, seed.backend);
    await revokeViaLibrary(tokens.access_token, undefined, oauth.ClientSecretPost(seed.backend.clientSecret));
    await assertInactive(server.url, seed.backend, tokens.access_token, 'a revoked access token');
  });

  it('revokes a refresh token with its family and every access token issued from it', async () => {
    const first = await passwordToken(server.url, seed.backend, seed.user);
    assert.ok(first.refresh_token);
    const second = assertTokenResponse(await refreshRequest(server.url, first.refresh_token, seed.backend));
    assert.ok(second.refresh_token);

    await revokeViaLibrary(second.refresh_token, 'refresh_token');

    assertOAuthError(await refreshRequest(server.url, second.refresh_token, seed.backend), 400, 'invalid_grant');
    await assertInactive(server.url, seed.backend, first.access_token, "the family's first access token");
    await assertInactive(server.url, seed.backend, second.access_token, "the family's latest access token");
    await assertInactive(server.url, seed.backend, second.refresh_token, 'the revoked refresh token');
  });

  it('revokes a refresh token even with a wrong token_type_hint', async () => {
    const tokens = await passwordToken(server.url, seed.backend, seed.user);
    assert.ok(tokens.refresh_token);
    await revokeViaLibrary(tokens.refresh_token, 'access_token');
    assertOAuthError(await refreshRequest(server.url, tokens.refresh_token, seed.backend), 400, 'invalid_grant');
  });

  it('answers 200 for an unknown or garbage token (RFC 7009 2.2)', async () => {
    await revokeViaLibrary('not-a-token');
    await revokeViaLibrary('eyJhbGciOiJub25lIn0.eyJqdGkiOiJ4In0.');
  });

  it("refuses to revoke a confidential client's token without that client's authentication", async () => {
    const tokens = await clientCredentialsToken(server.url, seed.backend);
    const anonymous = await postForm(`${server.url}/revoke`, { token: tokens.access_token });
    assert.ok(anonymous.status === 400 || anonymous.status === 401, `anonymous: ${anonymous.status} ${anonymous.text}`);
    assertNoStore(anonymous);
    const wrongSecret = await postForm(
      `${server.url}/revoke`,
      { token: tokens.access_token },
      { basic: { clientId: seed.backend.clientId, clientSecret: 'wrong' } },
    );
    assertOAuthError(wrongSecret, 401, 'invalid_client');
    assert.match(wrongSecret.headers.get('www-authenticate') ?? '', /^Basic\b/i);
    await assertActive(server.url, seed.backend, tokens.access_token, 'a token after failed revocations');
  });

  it('lets the public login client revoke its own tokens without a secret (sign-out, RFC 7009 5)', async () => {
    const tokens = await jsonLogin(server.url, seed.user.username, seed.user.password);
    assert.ok(tokens.refresh_token);
    await revoke(server.url, undefined, tokens.refresh_token);
    assertOAuthError(await refreshRequest(server.url, tokens.refresh_token), 400, 'invalid_grant');
    await assertInactive(server.url, seed.backend, tokens.access_token, 'an access token after sign-out');
  });

  it("does not let one client revoke another client's token", async () => {
    const intruder = await addClient(server, 'intruder', { scopes: ['read:data'] });
    const tokens = await clientCredentialsToken(server.url, seed.backend);
    const result = await postForm(`${server.url}/revoke`, { token: tokens.access_token }, { basic: intruder });
    assert.ok(result.status === 200 || result.status === 400, `status ${result.status}: ${result.text}`);
    await assertActive(server.url, seed.backend, tokens.access_token, 'a token another client tried to revoke');
  });

  it('refuses GET /revoke with 405', async () => {
    const response = await fetch(`${server.url}/revoke`);
    assert.equal(response.status, 405);
  });
});
