/**
 * Disabling or deleting a user, or deleting a client, through the admin API puts what they hold on the revocation
 * stream at once: a verifier that has their API token in its cache refuses it within a second or so, not when its
 * cached answer lapses 20-30 s later. Access tokens issued beside a refresh token go with their family.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AdminClient } from './support/admin-api.js';
import type { ClientCredentials, HttpResult } from './support/http.js';
import type { ProtectedApi } from './support/protected.js';
import { addClient, addUser, cliJson, USER_API } from './support/seed.js';
import { assertActive, assertInactive, passwordToken, refreshRequest } from './support/tokens.js';
import type { TollgateProcess } from './support/tollgate.js';
import {
  assertRevokedWithin,
  callWithBearer,
  type RevocationFixture,
  startRevocationFixture,
} from './support/revoked.js';

/** Far below the verifiers' 30 s cache: only the revocation stream can make it. */
const REFUSAL_BOUND_MS = 5_000;
const PASSWORD = 'a long user password';

describe('disabling or deleting an owner revokes their tokens on the stream', () => {
  let server: TollgateProcess;
  let sdkApi: ProtectedApi;
  let root: AdminClient;
  let verifier: ClientCredentials;
  let backend: ClientCredentials;
  let close: () => Promise<void>;

  before(async () => {
    let fixture: RevocationFixture;
    ({ server, sdkApi, root, verifier, close } = fixture = await startRevocationFixture());
    backend = fixture.seed.backend;
  });
  after(() => close?.());

  function call(token: string): Promise<HttpResult> {
    return callWithBearer(`${sdkApi.url}/data`, token);
  }

  /** Accepted twice, so the second answer (for an API token) comes from the SDK's cache. */
  async function assertAccepted(token: string): Promise<void> {
    for (let round = 0; round < 2; round++) assert.equal((await call(token)).status, 200);
  }

  function assertRefusedFromTheStream(token: string, what: string): Promise<void> {
    return assertRevokedWithin(`${sdkApi.url}/data`, token, what, REFUSAL_BOUND_MS);
  }

  async function userWithTokens(username: string) {
    await addUser(server, username, PASSWORD, ['read:data']);
    const users = (await root.get('/users')).json as { users: Array<{ id: string; username: string }> };
    const id = users.users.find((user) => user.username === username)?.id ?? assert.fail(`no ${username}`);
    const args = ['tokens', 'create', '--name', 'ci', '--user', username, '--api', USER_API, '--scope', 'read:data'];
    const apiToken = ((await cliJson(server, args)) as { secret: string }).secret;
    const login = await passwordToken(server.url, backend, { username, password: PASSWORD });
    await assertAccepted(apiToken);
    await assertAccepted(login.access_token);
    return { id, apiToken, accessToken: login.access_token, refreshToken: login.refresh_token ?? '' };
  }

  it('disabling a user refuses their API token and access token at a running verifier within the bound', async () => {
    const dave = await userWithTokens('dave');

    const disabled = await root.patch(`/users/${dave.id}`, { disabled: true });
    assert.equal(disabled.status, 200, disabled.text);

    await assertRefusedFromTheStream(dave.apiToken, 'the disabled user’s API token');
    await assertRefusedFromTheStream(dave.accessToken, 'the disabled user’s access token');
    await assertInactive(server.url, verifier, dave.apiToken, 'the disabled user’s API token');
    await assertInactive(server.url, verifier, dave.accessToken, 'the disabled user’s access token');
    assert.equal((await refreshRequest(server.url, dave.refreshToken, backend)).status, 400);

    // Enabling restores the API token at the server (verifiers follow once the short deny-list entry lapses).
    assert.equal((await root.patch(`/users/${dave.id}`, { disabled: false })).status, 200);
    await assertActive(server.url, verifier, dave.apiToken, 'the re-enabled user’s API token');
  });

  it('deleting a user refuses their access token at a running verifier within the bound', async () => {
    const erin = await userWithTokens('erin');

    assert.equal((await root.delete(`/users/${erin.id}`)).status, 204);

    await assertRefusedFromTheStream(erin.apiToken, 'the deleted user’s API token');
    await assertRefusedFromTheStream(erin.accessToken, 'the deleted user’s access token');
  });

  it('deleting a client refuses the access tokens issued to it with a refresh token', async () => {
    const app = await addClient(server, 'app', {
      scopes: ['read:data'],
      grants: ['password', 'refresh_token'],
    });
    await addUser(server, 'frank', PASSWORD, ['read:data']);
    const login = await passwordToken(server.url, app, { username: 'frank', password: PASSWORD });
    await assertAccepted(login.access_token);

    assert.equal((await root.delete(`/clients/${app.clientId}`)).status, 204);

    await assertRefusedFromTheStream(login.access_token, 'an access token of the deleted client');
  });
});
