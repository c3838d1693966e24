/**
 * An API token's owner metadata and external id reach the API behind it: the server's introspection answers with
 * them, the SDK's verified token carries them, and the gateway forwards the members a route names as headers, after
 * dropping any copy of those headers the client sent. Set at creation (admin API, CLI) and editable later (PATCH,
 * `tokens update`); the limits are refused with 400 naming the limit.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type AdminClient, addDashboardUser, assertAdminError, signIn } from './support/admin-api.js';
import type { GatewayUnderTest } from './support/gateway.js';
import { type ClientCredentials, request } from './support/http.js';
import type { ProtectedApi } from './support/protected.js';
import { addApi, cliJson, USER_API } from './support/seed.js';
import { assertActive } from './support/tokens.js';
import { startTollgate, type TollgateProcess } from './support/tollgate.js';
import type { ReceivedRequest, RecordingUpstream } from './support/upstream.js';
import { startVerifiers } from './support/verifiers.js';

const PASSWORD = 'alice has a long password';
const METADATA = { plan: 'pro', seats: 5, trial: false };

interface CreatedToken {
  token: { id: string; metadata: Record<string, unknown>; externalId: string | null };
  secret: string;
}

describe('API token metadata and external id', () => {
  let server: TollgateProcess;
  let alice: AdminClient;
  let verifierClient: ClientCredentials;
  let upstream: RecordingUpstream;
  let gateway: GatewayUnderTest;
  let sdkApi: ProtectedApi;

  before(async () => {
    server = await startTollgate();
    await addApi(server, USER_API, ['read:data'], { isDefault: true });
    await addDashboardUser(server, 'alice', PASSWORD, { scopes: ['read:data'] });
    alice = await signIn(server.url, 'alice', PASSWORD);
    // Caching off at the SDK: a change must show at the next request, not after the cache's 30 s.
    ({ verifierClient, upstream, gateway, sdkApi } = await startVerifiers(server, USER_API, {
      routes: (upstreamUrl) => [
        {
          path: '/data',
          upstream: upstreamUrl,
          forwardMetadata: { plan: 'X-Customer-Plan', seats: 'X-Customer-Seats', trial: 'X-Customer-Trial' },
          forwardExternalId: 'X-Customer-Id',
        },
        { path: '/plain', upstream: upstreamUrl },
      ],
      sdk: { apiTokenCacheTtlMs: 0 },
    }));
  });
  after(async () => {
    await Promise.all([gateway?.close(), sdkApi?.close(), upstream?.close()]);
    await server?.stop();
  });

  async function create(body: Record<string, unknown>): Promise<CreatedToken> {
    const result = await alice.post('/tokens', { name: 'customer', apis: [USER_API], scopes: ['read:data'], ...body });
    assert.equal(result.status, 201, result.text);
    return result.json as CreatedToken;
  }

  /** What the upstream got for a request through the gateway, with forged copies of every forwarded header. */
  async function throughGateway(path: string, secret: string): Promise<ReceivedRequest['headers']> {
    const result = await request(`${gateway.url}${path}`, {
      headers: {
        authorization: `Bearer ${secret}`,
        'x-customer-plan': 'enterprise',
        X_Customer_Seats: '1000',
        'x-customer-id': 'cus_forged',
      },
    });
    assert.equal(result.status, 200, result.text);
    return (result.json as ReceivedRequest).headers;
  }

  it('returns them from introspection and the SDK, and forwards the chosen ones at the gateway', async () => {
    const created = await create({ metadata: METADATA, externalId: 'cus_123' });
    assert.deepEqual(created.token.metadata, METADATA);
    assert.equal(created.token.externalId, 'cus_123');
    const introspected = await assertActive(server.url, verifierClient, created.secret, 'the token');
    assert.deepEqual(introspected.metadata, METADATA);
    assert.equal(introspected.external_id, 'cus_123');
    const verified = await sdkApi.verifier.verify(created.secret);
    assert.deepEqual(verified.metadata, METADATA);
    assert.equal(verified.externalId, 'cus_123');

    const headers = await throughGateway('/data', created.secret);
    assert.deepEqual(headers['x-customer-plan'], ['pro']);
    assert.deepEqual(headers['x-customer-seats'], ['5']);
    assert.deepEqual(headers['x-customer-trial'], ['false']);
    assert.deepEqual(headers['x-customer-id'], ['cus_123']);
    assert.equal(headers.x_customer_seats, undefined, 'the underscore spelling is dropped too');
    const plain = await throughGateway('/plain', created.secret);
    for (const name of ['x-customer-plan', 'x_customer_seats', 'x-customer-id']) {
      assert.equal(plain[name], undefined, `a route that forwards nothing drops the client's ${name}`);
    }
  });

  it('sends no forged header for a token without metadata or external id', async () => {
    const created = await create({});
    assert.deepEqual(created.token.metadata, {});
    const introspected = await assertActive(server.url, verifierClient, created.secret, 'the token');
    assert.equal('metadata' in introspected, false);
    assert.equal('external_id' in introspected, false);
    const headers = await throughGateway('/data', created.secret);
    for (const name of ['x-customer-plan', 'x-customer-seats', 'x_customer_seats', 'x-customer-id']) {
      assert.equal(headers[name], undefined, `${name} is not passed on`);
    }
  });

  it('changes them with PATCH, leaving out what is not named, and the SDK sees the change', async () => {
    const created = await create({ metadata: METADATA, externalId: 'cus_123' });
    const changed = await alice.patch(`/tokens/${created.token.id}`, { metadata: { plan: 'team' } });
    assert.equal(changed.status, 200, changed.text);
    assert.deepEqual((changed.json as CreatedToken['token']).metadata, { plan: 'team' });
    assert.equal((changed.json as CreatedToken['token']).externalId, 'cus_123', 'left as it was');
    const cleared = await alice.patch(`/tokens/${created.token.id}`, { externalId: null });
    assert.equal((cleared.json as CreatedToken['token']).externalId, null);
    const verified = await sdkApi.verifier.verify(created.secret);
    assert.deepEqual(verified.metadata, { plan: 'team' });
    assert.equal(verified.externalId, undefined);
    assertAdminError(await alice.patch(`/tokens/${created.token.id}`, {}), 400, 'invalid_request');
    assertAdminError(await alice.patch('/tokens/tok_missing', { externalId: 'x' }), 404, 'not_found');
  });

  it('refuses metadata and external ids beyond the limits with 400 naming the limit', async () => {
    const refusal = async (body: Record<string, unknown>) => {
      const result = await alice.post('/tokens', { name: 'limits', apis: [USER_API], scopes: ['read:data'], ...body });
      return assertAdminError(result, 400, 'invalid_request');
    };
    const keys = Object.fromEntries(Array.from({ length: 21 }, (_, index) => [`k${index}`, index]));
    assert.equal(await refusal({ metadata: keys }), 'metadata may have at most 20 keys; it has 21');
    const big = Object.fromEntries(Array.from({ length: 3 }, (_, index) => [`k${index}`, 'x'.repeat(400)]));
    assert.match(await refusal({ metadata: big }), /^metadata may be at most 1024 bytes as JSON; it is \d+$/);
    assert.equal(await refusal({ metadata: { note: 'x'.repeat(501) } }), 'metadata.note may be at most 500 characters');
    assert.equal(await refusal({ metadata: { ['k'.repeat(41)]: 1 } }), 'metadata keys must be 1 to 40 characters');
    assert.equal(await refusal({ metadata: { note: 'a\nb' } }), 'metadata.note must not contain control characters');
    assert.equal(
      await refusal({ metadata: { nested: { a: 1 } } }),
      'metadata.nested must be a string, number or boolean',
    );
    assert.equal(await refusal({ metadata: [1] }), 'metadata must be a JSON object');
    assert.equal(await refusal({ externalId: 'x'.repeat(129) }), 'externalId must be at most 128 characters long');
  });

  it('sets them with the CLI at creation and with tokens update', async () => {
    const args = ['tokens', 'create', '--name', 'cli', '--user', 'alice', '--api', USER_API, '--scope', 'read:data'];
    const created = (await cliJson(server, [
      ...args,
      '--metadata',
      '{"plan":"pro"}',
      '--external-id',
      'cus_cli',
    ])) as CreatedToken;
    assert.deepEqual(created.token.metadata, { plan: 'pro' });
    assert.equal(created.token.externalId, 'cus_cli');
    const updated = (await cliJson(server, [
      'tokens',
      'update',
      created.token.id,
      '--metadata',
      '{"plan":"team","seats":3}',
      '--clear-external-id',
    ])) as CreatedToken['token'];
    assert.deepEqual(updated.metadata, { plan: 'team', seats: 3 });
    assert.equal(updated.externalId, null);
    const introspected = await assertActive(server.url, verifierClient, created.secret, 'the token');
    assert.deepEqual(introspected.metadata, { plan: 'team', seats: 3 });
    const bad = await server.cli(['tokens', 'update', created.token.id, '--metadata', '[1]']);
    assert.equal(bad.status, 2, bad.stderr);
  });
});
