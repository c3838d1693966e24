/**
 * API tokens (`tg_...`) end to end, against the real server: created with `tollgate tokens create`, presented to an
 * SDK-protected API and to the gateway, both of which introspect them with their own client credentials. Scopes are
 * enforced (403), other APIs refuse them, and the uses the verifiers report show up in the token's request count,
 * last-used time and address.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { assertBearerRefusal } from './support/challenge.js';
import { type GatewayUnderTest, startGatewayFor } from './support/gateway.js';
import { type ClientCredentials, request } from './support/http.js';
import { type ProtectedApi, startProtectedApi } from './support/protected.js';
import { ADMIN_API, addClient, cliJson, seedStandard, USER_API } from './support/seed.js';
import { startTollgate, type TollgateProcess } from './support/tollgate.js';
import { type RecordingUpstream, startRecordingUpstream } from './support/upstream.js';

/** Reports go out every 2 s; the CLI takes about a second per call on a busy machine. */
const USAGE_GIVE_UP_MS = 30_000;

interface CreatedToken {
  token: { id: string; requestCount: number; lastUsedAt: number | null; lastUsedAddress: string | null };
  secret: string;
}

async function createToken(server: TollgateProcess, name: string, scopes: readonly string[]): Promise<CreatedToken> {
  const args = ['tokens', 'create', '--name', name, '--user', 'alice', '--api', USER_API, '--expires', '30d'];
  for (const scope of scopes) args.push('--scope', scope);
  const created = (await cliJson(server, args)) as CreatedToken;
  assert.match(created.secret, /^tg_[0-9A-Za-z]+$/, 'tokens create --json prints the secret');
  return created;
}

function bearer(token: string): RequestInit {
  return { headers: { authorization: `Bearer ${token}` } };
}

describe('API tokens at the SDK and the gateway', () => {
  let server: TollgateProcess;
  let verifierClient: ClientCredentials;
  let upstream: RecordingUpstream;
  let gateway: GatewayUnderTest;
  let sdkApi: ProtectedApi;
  let reader: CreatedToken;
  let writer: CreatedToken;

  before(async () => {
    server = await startTollgate();
    await seedStandard(server);
    [verifierClient, reader, writer] = await Promise.all([
      addClient(server, 'verifiers', { scopes: ['read:data'] }),
      createToken(server, 'reader', ['read:data']),
      createToken(server, 'writer', ['write:data']),
    ]);
    upstream = await startRecordingUpstream();
    gateway = await startGatewayFor({
      issuer: server.url,
      audience: USER_API,
      client: verifierClient,
      routes: [
        { path: '/data', upstream: upstream.url, scopes: ['read:data'] },
        { path: '/write', upstream: upstream.url, scopes: ['write:data'] },
        { path: '/admin', upstream: upstream.url, audience: ADMIN_API, scopes: ['admin:read'] },
      ],
    });
    sdkApi = await startProtectedApi(
      { issuer: server.url, audience: USER_API, client: verifierClient },
      { scopes: 'read:data' },
    );
  });
  after(async () => {
    await Promise.all([gateway?.close(), sdkApi?.close(), upstream?.close()]);
    await server?.stop();
  });

  it('lets the SDK-protected API accept an API token with the scope, as the token owner', async () => {
    const result = await request(`${sdkApi.url}/data`, bearer(reader.secret));
    assert.equal(result.status, 200, result.text);
    const body = result.json as { subject: string; clientId: string; scopes: string[] };
    assert.match(body.subject, /^usr_/, 'the subject is the owner');
    assert.deepEqual(body.scopes, ['read:data']);
  });

  it('lets the gateway forward an API token with the scope, with the identity headers', async () => {
    const result = await request(`${gateway.url}/data`, bearer(reader.secret));
    assert.equal(result.status, 200, result.text);
    const forwarded = upstream.received.at(-1);
    assert.deepEqual(forwarded?.headers['x-tollgate-scopes'], ['read:data']);
    assert.ok(!gateway.logText().includes(reader.secret), 'the gateway never logs the token');
  });

  it('refuses an API token without the route scope with 403 insufficient_scope, at both', async () => {
    const expected = { status: 403, realm: USER_API, error: 'insufficient_scope', scope: 'read:data' } as const;
    assertBearerRefusal(await request(`${sdkApi.url}/data`, bearer(writer.secret)), expected, 'the SDK');
    assertBearerRefusal(await request(`${gateway.url}/data`, bearer(writer.secret)), expected, 'the gateway');
    const writes = await request(`${gateway.url}/write`, bearer(writer.secret));
    assert.equal(writes.status, 200, `the write:data token passes the write:data route: ${writes.text}`);
  });

  it('refuses an API token at an API it was not created for', async () => {
    assertBearerRefusal(
      await request(`${gateway.url}/admin`, bearer(reader.secret)),
      { status: 401, realm: ADMIN_API, error: 'invalid_token', description: 'The access token is not for this API' },
      'the gateway route of the other API',
    );
  });

  it('refuses a mistyped API token as malformed, and an unknown one as invalid', async () => {
    const typo = reader.secret.slice(0, -1) + (reader.secret.endsWith('A') ? 'B' : 'A');
    assertBearerRefusal(
      await request(`${sdkApi.url}/data`, bearer(typo)),
      { status: 401, realm: USER_API, error: 'invalid_token', description: 'The API token is malformed' },
      'a typo',
    );
    const other = await createToken(server, 'short-lived', ['read:data']);
    await cliJson(server, ['tokens', 'revoke', other.token.id]);
    assertBearerRefusal(
      await request(`${gateway.url}/data`, bearer(other.secret)),
      {
        status: 401,
        realm: USER_API,
        error: 'invalid_token',
        description: 'The API token is invalid, expired or revoked',
      },
      'a revoked token never seen before',
    );
  });

  it("counts the verifiers' uses in the token's request count, last use and address", async () => {
    const counted = await createToken(server, 'counted', ['read:data']);
    assert.equal(counted.token.requestCount, 0);
    assert.equal(counted.token.lastUsedAt, null);
    const startedAt = Math.floor(Date.now() / 1000);
    for (let index = 0; index < 3; index++) {
      assert.equal((await request(`${sdkApi.url}/data`, bearer(counted.secret))).status, 200);
      assert.equal((await request(`${gateway.url}/data`, bearer(counted.secret))).status, 200);
    }
    const expected = 6;
    const deadline = Date.now() + USAGE_GIVE_UP_MS;
    let view = counted.token;
    while (view.requestCount < expected && Date.now() < deadline) {
      await sleep(1_000);
      view = await tokenView(counted.token.id);
    }
    assert.equal(view.requestCount, expected, 'every accepted use is counted once');
    assert.ok(view.lastUsedAt !== null && view.lastUsedAt >= startedAt - 1, `lastUsedAt ${view.lastUsedAt}`);
    assert.equal(view.lastUsedAddress, '127.0.0.1');
  });

  async function tokenView(id: string): Promise<CreatedToken['token']> {
    const list = (await cliJson(server, ['tokens', 'list', '--user', 'alice'])) as CreatedToken['token'][];
    const view = list.find((token) => token.id === id);
    assert.ok(view, `tokens list shows ${id}`);
    return view;
  }
});
