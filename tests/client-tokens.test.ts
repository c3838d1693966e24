/**
 * @tollgate/client getting and keeping tokens from a real Tollgate (bearer tokens, `dpop: false`, but for the first
 * case, which checks the default binds them since Tollgate offers DPoP): the JSON login, client_credentials (renewed
 * by asking again, as it has no refresh token), a refused refresh token ending the session, sign-out revoking
 * the refresh token (RFC 7009), and a Web Storage adapter sharing tokens between clients.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  ClientError,
  createClient,
  type FetchLike,
  LoginRequiredError,
  OAuthError,
  type TokenSet,
  webStorage,
  type WebStorageLike,
} from '@tollgate/client';
import { claimsOf } from './support/forge.js';
import { asObject } from './support/http.js';
import { type ClientWorld, movableClock, startClientWorld, TOKEN_TTL_SECONDS } from './support/client-world.js';
import { recordingFetch } from './support/recording-fetch.js';
import { refreshRequest, revoke } from './support/tokens.js';

const CONCURRENT_REQUESTS = 50;
const PAST_EXPIRY_MS = (TOKEN_TTL_SECONDS + 1) * 1000;

function mapStorage(): WebStorageLike & { items: Map<string, string> } {
  const items = new Map<string, string>();
  return {
    items,
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => items.set(key, value),
    removeItem: (key) => items.delete(key),
  };
}

async function callJson(client: { fetch: FetchLike }, url: string): Promise<Record<string, unknown>> {
  const response = await client.fetch(url);
  assert.equal(response.status, 200, `${url} answered ${response.status}`);
  return asObject(await response.json());
}

describe('@tollgate/client getting tokens from Tollgate', () => {
  let world: ClientWorld;
  before(async () => {
    world = await startClientWorld();
  });
  after(() => world?.stop());

  it('signs in with the JSON login and, as Tollgate offers DPoP, sends the token bound to its key to an API', async () => {
    const recorder = recordingFetch();
    const client = createClient({ issuer: world.server.url, fetch: recorder.fetch });
    const tokens = await client.login(world.user);
    assert.equal(tokens.tokenType, 'DPoP', "dpop: 'auto' binds the tokens when the metadata offers DPoP");
    assert.equal(tokens.lifetimeSeconds, TOKEN_TTL_SECONDS);
    assert.equal(typeof tokens.refreshToken, 'string');
    assert.deepEqual(claimsOf(tokens.accessToken).cnf, { jkt: await client.dpopThumbprint() });
    assert.equal((await callJson(client, world.readApi.url)).subject, claimsOf(tokens.accessToken).sub);
    const [login] = recorder.grants('login');
    assert.deepEqual(JSON.parse(login?.body ?? ''), world.user, 'exactly {"username", "password"}');
    assert.equal(login?.dpop?.header.typ, 'dpop+jwt', 'the login carried a proof');
    assert.equal(login?.dpop?.payload.htu, `${world.server.url}/token`);
  });

  it('signs in with the JSON login and sends a Bearer token when told not to use DPoP', async () => {
    const client = createClient({ issuer: world.server.url, dpop: false });
    const tokens = await client.login(world.user);
    assert.equal(tokens.tokenType, 'Bearer');
    assert.equal(claimsOf(tokens.accessToken).cnf, undefined);
    assert.equal((await callJson(client, world.readApi.url)).subject, claimsOf(tokens.accessToken).sub);
  });

  it('reports a refused login as an OAuthError and keeps no tokens', async () => {
    const client = createClient({ issuer: world.server.url, dpop: false });
    await assert.rejects(client.login({ ...world.user, password: 'wrong' }), (error: unknown) => {
      assert.ok(error instanceof OAuthError);
      assert.equal(error.error, 'invalid_grant');
      assert.equal(error.status, 400);
      assert.ok(!error.message.includes('wrong'), 'the password is not in the message');
      return true;
    });
    await assert.rejects(client.getAccessToken(), LoginRequiredError);
  });

  it(`gets a service token by client_credentials, and one new token for ${CONCURRENT_REQUESTS} concurrent requests after it expires`, async () => {
    const recorder = recordingFetch();
    const clock = movableClock();
    const client = createClient({
      issuer: world.server.url,
      ...world.service,
      fetch: recorder.fetch,
      now: clock.now,
      dpop: false,
    });
    const tokens = await client.clientCredentials({ scope: 'read:data' });
    assert.equal(tokens.refreshToken, undefined);
    assert.equal((await callJson(client, world.readApi.url)).clientId, world.service.clientId);
    clock.advance(PAST_EXPIRY_MS);
    await world.advanceServerClock(PAST_EXPIRY_MS);
    const bodies = await Promise.all(
      Array.from({ length: CONCURRENT_REQUESTS }, () => callJson(client, world.readApi.url)),
    );
    assert.equal(bodies.length, CONCURRENT_REQUESTS);
    const grants = recorder.grants('client_credentials');
    assert.equal(grants.length, 2, 'the first token, then exactly one new one');
    assert.ok(grants.every((request) => request.authorization?.startsWith('Basic ')));
  });

  it('ends the session when the server refuses the refresh token, and forgets the tokens', async () => {
    const clock = movableClock();
    const client = createClient({ issuer: world.server.url, now: clock.now, dpop: false });
    const tokens = await client.login(world.user);
    await revoke(world.server.url, undefined, tokens.refreshToken as string);
    clock.advance(PAST_EXPIRY_MS);
    await assert.rejects(client.fetch(world.readApi.url), (error: unknown) => {
      assert.ok(error instanceof LoginRequiredError);
      assert.equal(error.code, 'ERR_LOGIN_REQUIRED');
      assert.ok(error.cause instanceof OAuthError && error.cause.error === 'invalid_grant');
      return true;
    });
    await assert.rejects(client.tokens(), LoginRequiredError);
  });

  it('signs out by revoking the refresh token at the server (RFC 7009), then has no tokens', async () => {
    const client = createClient({ issuer: world.server.url, dpop: false });
    const { refreshToken } = await client.login(world.user);
    await client.logout();
    const refused = await refreshRequest(world.server.url, refreshToken as string);
    assert.equal(refused.status, 400);
    assert.equal(asObject(refused.json).error, 'invalid_grant');
    await assert.rejects(client.getAccessToken(), (error: unknown) => error instanceof ClientError);
  });

  it('keeps tokens in Web Storage, where a second client (a reload, another tab) finds them', async () => {
    const storage = mapStorage();
    const first = createClient({ issuer: world.server.url, storage: webStorage(storage, 'app.tokens'), dpop: false });
    const tokens = await first.login(world.user);
    const stored = JSON.parse(storage.items.get('app.tokens') ?? '') as TokenSet;
    assert.equal(stored.accessToken, tokens.accessToken);
    const second = createClient({ issuer: world.server.url, storage: webStorage(storage, 'app.tokens'), dpop: false });
    assert.equal((await callJson(second, world.readApi.url)).subject, claimsOf(tokens.accessToken).sub);
    await second.logout();
    assert.equal(storage.items.has('app.tokens'), false);
  });
});
