/**
 * The gateway end to end, in front of a recording upstream, with a real Tollgate issuing the tokens: the
 * identity of a verified token reaches the upstream, an identity a client sends never does, scopes and
 * audiences are enforced per route, and nothing refused (no token, forged, wrong scope, path tricks)
 * ever reaches the upstream.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertBearerRefusal } from './support/challenge.js';
import { claimsOf, forgeAll } from './support/forge.js';
import { type GatewayUnderTest, startGatewayFor } from './support/gateway.js';
import { type ClientCredentials, request } from './support/http.js';
import { rawRequest } from './support/raw-http.js';
import { ADMIN_API, addClient, seedStandard, type StandardSeed, USER_API } from './support/seed.js';
import { clientCredentialsToken, jsonLogin } from './support/tokens.js';
import { startTollgate, type TollgateProcess } from './support/tollgate.js';
import { type RecordingUpstream, type ReceivedRequest, startRecordingUpstream } from './support/upstream.js';

describe('gateway in front of a real Tollgate', () => {
  let server: TollgateProcess;
  let seed: StandardSeed;
  let streamClient: ClientCredentials;
  let upstream: RecordingUpstream;
  let gateway: GatewayUnderTest;
  let userToken: string;
  const used: string[] = [];
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  before(async () => {
    server = await startTollgate();
    seed = await seedStandard(server);
    streamClient = await addClient(server, 'gateway', { scopes: ['read:data'] });
    upstream = await startRecordingUpstream();
    gateway = await startGatewayFor({
      issuer: server.url,
      audience: USER_API,
      client: streamClient,
      routes: [
        { path: '/data', methods: ['GET'], upstream: upstream.url, scopes: ['read:data'] },
        { path: '/write', methods: ['POST'], upstream: upstream.url, scopes: ['write:data'] },
        { path: '/admin', upstream: upstream.url, audience: ADMIN_API, scopes: ['admin:read'] },
        { path: '/public', upstream: upstream.url, public: true },
      ],
    });
    userToken = (await jsonLogin(server.url, seed.user.username, seed.user.password)).access_token;
    used.push(userToken);
  });
  after(async () => {
    await gateway?.close();
    await upstream?.close();
    await server?.stop();
  });

  /** Runs `action` and returns what reached the upstream meanwhile. */
  async function reaching(action: () => Promise<void>): Promise<ReceivedRequest[]> {
    const before = upstream.received.length;
    await action();
    return upstream.received.slice(before);
  }

  it('forwards a verified request with the identity headers and without the token', async () => {
    const reached = await reaching(async () => {
      const result = await request(`${gateway.url}/data/items?page=2`, { headers: bearer(userToken) });
      assert.equal(result.status, 200, result.text);
    });
    assert.equal(reached.length, 1);
    const [received] = reached as [ReceivedRequest];
    assert.equal(received.url, '/data/items?page=2');
    assert.deepEqual(received.headers['x-tollgate-subject'], [claimsOf(userToken).sub]);
    assert.deepEqual(received.headers['x-tollgate-client'], ['tollgate-login']);
    assert.deepEqual(received.headers['x-tollgate-scopes'], ['read:data write:data']);
    assert.equal(received.headers.authorization, undefined, 'the token is not forwarded by default');
  });

  it('replaces identity headers a client sends, in any letter case, with the verified ones', async () => {
    const spoofed = {
      ...bearer(userToken),
      'X-Tollgate-Subject': 'usr_admin',
      'x-tollgate-client': 'trusted-backend',
      'X-TOLLGATE-SCOPES': 'admin:write',
      'X-Tollgate-Role': 'root',
    };
    const reached = await reaching(async () => {
      assert.equal((await rawRequest(`${gateway.url}/data`, spoofed)).status, 200);
    });
    const headers = (reached[0] as ReceivedRequest).headers;
    assert.deepEqual(headers['x-tollgate-subject'], [claimsOf(userToken).sub]);
    assert.deepEqual(headers['x-tollgate-client'], ['tollgate-login']);
    assert.deepEqual(headers['x-tollgate-scopes'], ['read:data write:data']);
    assert.equal(headers['x-tollgate-role'], undefined);
  });

  it('strips spoofed identity headers on a public route too, where no token sets them', async () => {
    const reached = await reaching(async () => {
      const result = await rawRequest(`${gateway.url}/public/info`, {
        'X-Tollgate-Subject': 'usr_admin',
        'X-Tollgate-Scopes': 'admin:write',
      });
      assert.equal(result.status, 200, result.text);
    });
    const names = Object.keys((reached[0] as ReceivedRequest).headers).filter((name) => name.startsWith('x-tollgate-'));
    assert.deepEqual(names, []);
  });

  it('answers a request without a token with 401 and a bare challenge, and never calls the upstream', async () => {
    const reached = await reaching(async () => {
      const result = await request(`${gateway.url}/data`);
      assertBearerRefusal(result, { status: 401, realm: USER_API }, 'no token');
    });
    assert.deepEqual(reached, []);
  });

  it("enforces each route's scopes with 403 insufficient_scope and the scope attribute", async () => {
    const readOnly = (await clientCredentialsToken(server.url, seed.backend, { scope: 'read:data' })).access_token;
    used.push(readOnly);
    const reached = await reaching(async () => {
      const result = await request(`${gateway.url}/write`, { method: 'POST', headers: bearer(readOnly), body: '{}' });
      assertBearerRefusal(result, { status: 403, realm: USER_API, error: 'insufficient_scope', scope: 'write:data' });
    });
    assert.deepEqual(reached, []);
    const allowed = await request(`${gateway.url}/write`, { method: 'POST', headers: bearer(userToken), body: '{}' });
    assert.equal(allowed.status, 200, 'the user has write:data');
  });

  it("enforces each route's audience: a token for one API does not open another", async () => {
    const adminToken = (
      await clientCredentialsToken(server.url, seed.backend, { resource: ADMIN_API, scope: 'admin:read' })
    ).access_token;
    used.push(adminToken);
    const reached = await reaching(async () => {
      assertBearerRefusal(await request(`${gateway.url}/admin`, { headers: bearer(userToken) }), {
        status: 401,
        realm: ADMIN_API,
        error: 'invalid_token',
        description: 'The access token is not for this API',
      });
      assertBearerRefusal(await request(`${gateway.url}/data`, { headers: bearer(adminToken) }), {
        status: 401,
        realm: USER_API,
        error: 'invalid_token',
        description: 'The access token is not for this API',
      });
    });
    assert.deepEqual(reached, []);
    const admin = await request(`${gateway.url}/admin/report`, { headers: bearer(adminToken) });
    assert.equal(admin.status, 200, admin.text);
  });

  it('refuses every forged token with 401 invalid_token without calling the upstream', async () => {
    const forged = await forgeAll(server.url, userToken);
    const reached = await reaching(async () => {
      for (const { kind, token } of forged) {
        const result = await request(`${gateway.url}/data`, { headers: bearer(token) });
        assertBearerRefusal(result, { status: 401, realm: USER_API, error: 'invalid_token' }, kind);
      }
    });
    assert.deepEqual(reached, []);
  });

  it('lets no encoded or dotted path reach a protected route without a token', async () => {
    const tricks = ['/public/../data', '/public/%2e%2e/data', '/%64ata', '//data', '/./data', '/DATA', '/data;x=1'];
    const reached = await reaching(async () => {
      for (const path of tricks) {
        const result = await rawRequest(gateway.url, {}, { path });
        assert.ok([400, 401, 404].includes(result.status), `${path}: status ${result.status} ${result.text}`);
      }
    });
    assert.deepEqual(
      reached.map((entry) => entry.url),
      [],
      'nothing reached the upstream',
    );
  });

  it('never writes a token into its log', () => {
    const log = gateway.logText();
    assert.ok(log.length > 0, 'the gateway logged its requests');
    for (const token of used) assert.ok(!log.includes(token), 'a token appears in the gateway log');
  });
});
