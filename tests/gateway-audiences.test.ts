/**
 * A gateway in front of two APIs runs one verifier for its issuer: one revocation stream, one JWKS cache, and
 * each request judged for its route's API. An API token that reaches both APIs is accepted on both routes; one
 * for the first API only is refused on the second's.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startGatewayFor, type GatewayUnderTest } from './support/gateway.js';
import { type ClientCredentials, request } from './support/http.js';
import { ADMIN_API, addClient, cliJson, seedStandard, type StandardSeed, USER_API } from './support/seed.js';
import { startTollgate, type TollgateProcess } from './support/tollgate.js';
import { type RecordingUpstream, startRecordingUpstream } from './support/upstream.js';
import { waitUntil } from './support/wait.js';

const STREAM_OPENED = /revocation stream opened/g;

describe('a gateway in front of two APIs', () => {
  let server: TollgateProcess;
  let seed: StandardSeed;
  let verifiers: ClientCredentials;
  let upstream: RecordingUpstream;
  let gateway: GatewayUnderTest;
  let streamsBefore: number;

  async function apiToken(apis: readonly string[], scopes: readonly string[]): Promise<string> {
    const args = ['tokens', 'create', '--client', seed.backend.clientId, '--name', `t-${apis.length}`];
    for (const api of apis) args.push('--api', api);
    for (const scope of scopes) args.push('--scope', scope);
    const created = (await cliJson(server, args)) as { secret: string };
    return created.secret;
  }

  const call = (path: string, token: string) =>
    request(`${gateway.url}${path}`, { headers: { authorization: `Bearer ${token}` } });

  before(async () => {
    server = await startTollgate();
    seed = await seedStandard(server);
    verifiers = await addClient(server, 'verifiers', { scopes: ['read:data'] });
    upstream = await startRecordingUpstream();
    streamsBefore = server.output().match(STREAM_OPENED)?.length ?? 0;
    gateway = await startGatewayFor({
      issuer: server.url,
      client: verifiers,
      routes: [
        { path: '/user', upstream: upstream.url, audience: USER_API, scopes: ['read:data'] },
        { path: '/admin', upstream: upstream.url, audience: ADMIN_API, scopes: ['admin:read'] },
      ],
    });
  });
  after(async () => {
    await Promise.all([gateway?.close(), upstream?.close()]);
    await server?.stop();
  });

  it('subscribes to the revocation stream once, not once per API', async () => {
    // The gateway's verifiers opened their streams before it started. A request made now is logged after those
    // lines, so once its line is in the output every stream the gateway opened is counted.
    const marker = `/after-gateway-start-${randomUUID()}`;
    await request(`${server.url}${marker}`);
    await waitUntil(
      'the marker request was logged',
      async () => (server.output().includes(marker) ? true : undefined),
      {
        timeoutMs: 10_000,
      },
    );
    const opened = (server.output().match(STREAM_OPENED)?.length ?? 0) - streamsBefore;
    assert.equal(opened, 1);
  });

  it('accepts an API token for both APIs on both routes, each for its own API', async () => {
    const token = await apiToken([USER_API, ADMIN_API], ['read:data', 'admin:read']);
    const user = await call('/user', token);
    assert.equal(user.status, 200, user.text);
    const admin = await call('/admin', token);
    assert.equal(admin.status, 200, admin.text);
  });

  it("refuses an API token on the route of an API it does not reach, with that API's realm", async () => {
    const token = await apiToken([USER_API], ['read:data']);
    assert.equal((await call('/user', token)).status, 200);
    const admin = await call('/admin', token);
    assert.equal(admin.status, 401, admin.text);
    assert.match(admin.headers.get('www-authenticate') ?? '', new RegExp(`realm="${ADMIN_API}".*invalid_token`));
  });
});
