/**
 * Nothing acknowledged is lost: revocations that returned 200, users, clients, keys and refresh-token
 * state all survive `kill -9` and a restart (SQLite in WAL mode with durable commits).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertOAuthError, assertTokenResponse } from './support/http.js';
import { kidOf, verifyAccessToken } from './support/jwt.js';
import { cliJson, type StandardSeed, seedStandard, USER_API } from './support/seed.js';
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

describe('durability across kill -9', () => {
  let server: TollgateProcess;
  let seed: StandardSeed;
  before(async () => {
    server = await startTollgate();
    seed = await seedStandard(server);
  });
  after(() => server?.stop());

  it('keeps an access token revoked when the server is killed right after the 200', async () => {
    const tokens = await clientCredentialsToken(server.url, seed.backend);
    await revoke(server.url, seed.backend, tokens.access_token, 'access_token');
    await server.kill9();
    await server.restart();
    await assertInactive(server.url, seed.backend, tokens.access_token, 'an access token revoked before kill -9');
  });

  it('keeps a refresh token family revoked, with its access tokens', async () => {
    const tokens = await jsonLogin(server.url, seed.user.username, seed.user.password);
    assert.ok(tokens.refresh_token);
    await revoke(server.url, undefined, tokens.refresh_token, 'refresh_token');
    await server.kill9();
    await server.restart();
    assertOAuthError(await refreshRequest(server.url, tokens.refresh_token), 400, 'invalid_grant');
    await assertInactive(
      server.url,
      seed.backend,
      tokens.access_token,
      'an access token of a family revoked before kill -9',
    );
  });

  it('keeps users, clients, keys and refresh-token rotation state', async () => {
    const keptToken = await clientCredentialsToken(server.url, seed.backend);
    const first = await passwordToken(server.url, seed.backend, seed.user);
    assert.ok(first.refresh_token);
    const second = assertTokenResponse(await refreshRequest(server.url, first.refresh_token, seed.backend));
    assert.ok(second.refresh_token);

    await server.kill9();
    await server.restart();

    // Keys survived: a token signed before the crash still verifies and introspects, and new ones use the same kid.
    await verifyAccessToken(server.url, keptToken.access_token, USER_API);
    await assertActive(server.url, seed.backend, keptToken.access_token, 'a token issued before kill -9');
    const fresh = await clientCredentialsToken(server.url, seed.backend);
    assert.equal(kidOf(fresh.access_token), kidOf(keptToken.access_token));
    // Users survived.
    await jsonLogin(server.url, seed.user.username, seed.user.password);
    // The latest refresh token still works; the consumed one is still consumed, and replaying it revokes the family.
    const third = assertTokenResponse(await refreshRequest(server.url, second.refresh_token, seed.backend));
    assert.ok(third.refresh_token);
    assertOAuthError(await refreshRequest(server.url, first.refresh_token, seed.backend), 400, 'invalid_grant');
    assertOAuthError(await refreshRequest(server.url, third.refresh_token, seed.backend), 400, 'invalid_grant');
  });

  it('keeps what the CLI wrote while the server ran', async () => {
    const listed = JSON.stringify(await cliJson(server, ['clients', 'list']));
    assert.ok(listed.includes(seed.backend.clientId), `clients list lost the client: ${listed}`);
    await server.kill9();
    await server.restart();
    const afterRestart = JSON.stringify(await cliJson(server, ['clients', 'list']));
    assert.ok(afterRestart.includes(seed.backend.clientId));
  });
});

describe('durability with a generated encryption key', () => {
  let server: TollgateProcess;
  let seed: StandardSeed;
  before(async () => {
    server = await startTollgate({ encryptionKey: null });
    seed = await seedStandard(server);
  });
  after(() => server?.stop());

  it('signs with a key rotated by the CLI, and still after kill -9', async () => {
    const before = await clientCredentialsToken(server.url, seed.backend);
    // --now: the key signs at once, so the restarted server must sign with it (a delayed one would wait 2 minutes).
    await cliJson(server, ['keys', 'rotate', '--now']);
    await server.kill9();
    await server.restart();
    const after = await clientCredentialsToken(server.url, seed.backend);
    assert.notEqual(
      kidOf(after.access_token),
      kidOf(before.access_token),
      'a restarted server signs with the rotated key',
    );
    await verifyAccessToken(server.url, after.access_token, USER_API);
    await assertActive(server.url, seed.backend, before.access_token, 'a token signed by the retired key');
  });
});
