/**
 * A correctly signed access token that claims to live longer than the server ever issues (24 h), that has no `iat`,
 * or whose `iat` lies in the future, is refused by the SDK, the gateway and introspection alike. The tokens are
 * signed for real with a key the server publishes: one slipped into its key table while it was down, as a leaked or
 * misused signing key would be, so only the claims differ from what verifiers accept.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync, type KeyObject, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openPostgresStore, openSqliteStore } from '@tollgate/store-sql';
import { SignJWT } from 'jose';
import { assertBearerRefusal } from './support/challenge.js';
import { type GatewayUnderTest, startGatewayFor } from './support/gateway.js';
import { request } from './support/http.js';
import { fetchJwks } from './support/jwt.js';
import { type ProtectedApi, startProtectedApi } from './support/protected.js';
import { ADMIN_API, cliJson, type StandardSeed, seedStandard, USER_API } from './support/seed.js';
import { assertActive, assertInactive, clientCredentialsToken } from './support/tokens.js';
import { startTollgate, type TollgateProcess } from './support/tollgate.js';
import { type RecordingUpstream, startRecordingUpstream } from './support/upstream.js';

const KID = 'outside-key-1';
const TEN_YEARS_SECONDS = 10 * 365 * 86_400;

/**
 * While the server is down: adds a verification-only (retired) key whose private half the test holds (the server
 * never needs it), and gives ADMIN_API a ten-year token lifetime, as a row written by hand or by an old version would.
 */
async function tamperWhileDown(server: TollgateProcess, publicKey: KeyObject): Promise<void> {
  await server.kill9();
  const store =
    server.databaseUrl === undefined
      ? await openSqliteStore({ file: join(server.dataDir, 'tollgate.db') })
      : await openPostgresStore({ connectionString: server.databaseUrl });
  const now = Math.floor(Date.now() / 1000);
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid: KID, alg: 'EdDSA', use: 'sig' };
  try {
    await store.db
      .insertInto('signing_keys')
      .values({
        kid: KID,
        alg: 'EdDSA',
        public_jwk: JSON.stringify(jwk),
        encrypted_private_key: 'not-needed-for-a-retired-key',
        created_at: now - 60,
        retired_at: now - 60,
        expires_at: now + 86_400,
      })
      .execute();
    await store.db
      .updateTable('apis')
      .set({ token_ttl_seconds: TEN_YEARS_SECONDS })
      .where('identifier', '=', ADMIN_API)
      .execute();
  } finally {
    await store.close();
  }
  await server.restart();
}

describe('access-token lifetime at every verifier', () => {
  let server: TollgateProcess;
  let seed: StandardSeed;
  let privateKey: KeyObject;
  let upstream: RecordingUpstream;
  let gateway: GatewayUnderTest;
  let sdkApi: ProtectedApi;

  before(async () => {
    server = await startTollgate();
    seed = await seedStandard(server);
    const pair = generateKeyPairSync('ed25519');
    privateKey = pair.privateKey;
    await tamperWhileDown(server, pair.publicKey);
    assert.ok(
      (await fetchJwks(server.url)).keys.some((key) => key.kid === KID),
      'the planted key is published',
    );
    upstream = await startRecordingUpstream();
    gateway = await startGatewayFor({
      issuer: server.url,
      audience: USER_API,
      routes: [{ path: '/data', upstream: upstream.url, scopes: ['read:data'] }],
    });
    sdkApi = await startProtectedApi({ issuer: server.url, audience: USER_API }, { scopes: 'read:data' });
  });
  after(async () => {
    await Promise.all([gateway?.close(), sdkApi?.close(), upstream?.close()]);
    await server?.stop();
  });

  function sign(times: { iat?: number; exp: number }): Promise<string> {
    return new SignJWT({
      iss: server.url,
      sub: 'usr_mallory',
      aud: USER_API,
      jti: randomUUID(),
      client_id: seed.backend.clientId,
      scope: 'read:data',
      ...times,
    })
      .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid: KID })
      .sign(privateKey);
  }

  const bearer = (token: string): RequestInit => ({ headers: { authorization: `Bearer ${token}` } });

  it('accepts a token of an ordinary lifetime signed with that key (the control)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await sign({ iat: now, exp: now + 600 });
    assert.equal((await request(`${sdkApi.url}/data`, bearer(token))).status, 200);
    assert.equal((await request(`${gateway.url}/data`, bearer(token))).status, 200);
    await assertActive(server.url, seed.backend, token, 'an ordinary token');
  });

  const cases: Array<[string, (now: number) => { iat?: number; exp: number }]> = [
    ['iat ten years ago, exp in the future', (now) => ({ iat: now - TEN_YEARS_SECONDS, exp: now + 600 })],
    ['exp ten years from now', (now) => ({ iat: now, exp: now + TEN_YEARS_SECONDS })],
    ['exp = 1e308', (now) => ({ iat: now, exp: 1e308 })],
    ['a lifetime one second over 24 h', (now) => ({ iat: now - 60, exp: now - 60 + 86_401 })],
    ['no iat', (now) => ({ exp: now + 600 })],
    ['iat an hour in the future', (now) => ({ iat: now + 3600, exp: now + 4200 })],
  ];
  for (const [what, times] of cases) {
    it(`refuses a token with ${what} at the SDK, the gateway and introspection`, async () => {
      const token = await sign(times(Math.floor(Date.now() / 1000)));
      const refused = { status: 401, realm: USER_API, error: 'invalid_token' } as const;
      assertBearerRefusal(await request(`${sdkApi.url}/data`, bearer(token)), refused, `SDK, ${what}`);
      assertBearerRefusal(await request(`${gateway.url}/data`, bearer(token)), refused, `gateway, ${what}`);
      await assertInactive(server.url, seed.backend, token, what);
    });
  }

  it('never issues a token living longer than 24 h, whatever an API row says', async () => {
    const tokens = await clientCredentialsToken(server.url, seed.backend, { scope: 'admin:read', resource: ADMIN_API });
    assert.equal(tokens.expires_in, 86_400);
    const body = await assertActive(server.url, seed.backend, tokens.access_token, 'a token of the tampered API');
    assert.equal((body.exp as number) - (body.iat as number), 86_400);
  });

  it('refuses an API token lifetime above 24 h from the CLI', async () => {
    const result = await server.cli([
      'apis',
      'add',
      'https://api.example.com/long',
      '--scopes',
      'x',
      '--token-ttl',
      '25h',
    ]);
    assert.notEqual(result.status, 0, 'a 25 h lifetime is refused');
    assert.match(result.stderr, /token lifetime/);
    await cliJson(server, ['apis', 'add', 'https://api.example.com/day', '--scopes', 'x', '--token-ttl', '24h']);
  });
});
