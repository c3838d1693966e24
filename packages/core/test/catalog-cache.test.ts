/**
 * Clients and APIs held in memory for the token flows (catalog/catalog-cache.ts): read from the store at most once per
 * `maxAgeMs`, dropped at once by a change made through this Tollgate, by the cross-node nudge, and, failing both, by
 * age. A client deleted or given a new secret, or an API removed or given other scopes, is refused as soon as one of
 * these says so; nothing else of what a token request does is changed by the cache.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { API_MISS_REREAD_MS } from '../src/catalog/catalog-cache.js';
import { OPERATOR } from '../src/index.js';
import {
  ADMIN_API,
  assertRefused,
  type ClientCredentials,
  type InMemoryTollgate,
  memorySignal,
  openInMemoryTollgate,
  USER_API,
} from './support/tollgate-in-memory.js';

const MAX_AGE_MS = 500;

/** A monotonic clock the test moves. */
function manualClock(): { now: () => number; advance(ms: number): void } {
  let ms = 1_000;
  return {
    now: () => ms,
    advance: (by) => {
      ms += by;
    },
  };
}

const catalogReads = (calls: readonly string[]) =>
  calls.filter((call) => call.startsWith('clients.') || call.startsWith('apis.'));

function clientCredentials(harness: InMemoryTollgate, client: ClientCredentials = harness.backend) {
  return harness.token({ grant_type: 'client_credentials' }, client);
}

describe('clients and APIs in memory', () => {
  const opened: InMemoryTollgate[] = [];
  const open = async (...args: Parameters<typeof openInMemoryTollgate>) => {
    const harness = await openInMemoryTollgate(...args);
    opened.push(harness);
    return harness;
  };
  const openNode = async (harness: InMemoryTollgate, ...args: Parameters<InMemoryTollgate['openNode']>) => {
    const node = await harness.openNode(...args);
    opened.push(node);
    return node;
  };
  afterEach(() => {
    for (const harness of opened.splice(0)) harness.close();
  });

  it('reads the client and the APIs once, then issues and introspects tokens without reading either', async () => {
    const clock = manualClock();
    const harness = await open({}, { catalogCache: { now: clock.now } });
    const { access_token: token } = await clientCredentials(harness);
    harness.storeCalls.length = 0;
    for (let request = 0; request < 5; request += 1) {
      await clientCredentials(harness);
      assert.equal((await harness.introspect(token, harness.backend)).active, true);
    }
    assert.deepEqual(catalogReads(harness.storeCalls), []);
    clock.advance(MAX_AGE_MS);
    await clientCredentials(harness);
    assert.deepEqual(catalogReads(harness.storeCalls).sort(), ['apis.list', 'clients.get']);
  });

  it('refuses the old secret at once when the secret is regenerated here, and takes the new one', async () => {
    const harness = await open({}, { catalogCache: { now: manualClock().now } });
    await clientCredentials(harness);
    const rotated = await harness.tollgate.as(OPERATOR).clients.rotateSecret(harness.backend.clientId);
    await assertRefused(clientCredentials(harness), 'invalid_client', 'Client authentication failed');
    const renewed = { clientId: harness.backend.clientId, clientSecret: rotated.clientSecret };
    assert.equal((await clientCredentials(harness, renewed)).token_type, 'Bearer');
  });

  it('refuses a client at once when it is deleted here', async () => {
    const harness = await open({}, { catalogCache: { now: manualClock().now } });
    await clientCredentials(harness);
    await harness.tollgate.as(OPERATOR).clients.remove(harness.backend.clientId);
    await assertRefused(clientCredentials(harness), 'invalid_client', 'Client authentication failed');
  });

  it("grants an API's new scopes at once when they change here, and refuses a removed API at once", async () => {
    const harness = await open({}, { catalogCache: { now: manualClock().now } });
    assert.equal((await clientCredentials(harness)).scope, 'read:data write:data');
    await harness.tollgate.as(OPERATOR).apis.update(USER_API, { scopes: ['read:data', 'profile'] });
    assert.equal((await clientCredentials(harness)).scope, 'read:data');
    await harness.tollgate.as(OPERATOR).apis.remove(ADMIN_API);
    await assertRefused(
      harness.token({ grant_type: 'client_credentials' }, harness.backend, [ADMIN_API]),
      'invalid_target',
      'The resource is not a registered API',
    );
  });

  it("takes another node's change at once when the nudge arrives, and publishes its own", async () => {
    const signal = memorySignal();
    const clock = manualClock();
    const nodeA = await open({}, { revocationSignal: signal, catalogCache: { now: clock.now } });
    const nodeB = await openNode(nodeA, { revocationSignal: signal, catalogCache: { now: clock.now } });
    await clientCredentials(nodeB);
    const published = signal.published;
    await nodeA.tollgate.as(OPERATOR).clients.remove(nodeA.backend.clientId);
    assert.equal(signal.published, published + 1, 'the change was published to the other nodes');
    await new Promise((resolve) => setImmediate(resolve));
    await assertRefused(clientCredentials(nodeB), 'invalid_client', 'Client authentication failed');
  });

  it('takes a change nobody announced (Redis down, a CLI on another host) once maxAgeMs has passed', async () => {
    const clock = manualClock();
    const harness = await open({}, { catalogCache: { now: clock.now } });
    const stranger = await openNode(harness);
    await clientCredentials(harness);
    await stranger.tollgate.as(OPERATOR).clients.remove(harness.backend.clientId);
    // The cache's promise, kept here: the old record serves until it is MAX_AGE_MS old...
    assert.equal((await clientCredentials(harness)).token_type, 'Bearer');
    clock.advance(MAX_AGE_MS - 1);
    assert.equal((await clientCredentials(harness)).token_type, 'Bearer');
    // ...and not one millisecond longer.
    clock.advance(1);
    await assertRefused(clientCredentials(harness), 'invalid_client', 'Client authentication failed');
  });

  it('finds an API added where nobody announced it (a CLI beside the server) at once, reading the list again at most once per 20 ms', async () => {
    const clock = manualClock();
    const harness = await open({}, { catalogCache: { now: clock.now } });
    const stranger = await openNode(harness);
    await clientCredentials(harness);
    const orders = 'https://orders.example.com';
    await stranger.tollgate.as(OPERATOR).apis.create({ identifier: orders, scopes: ['orders:read'] });
    const created = await stranger.tollgate.as(OPERATOR).clients.create({
      name: 'orders',
      scopes: ['orders:read'],
      apis: [orders],
    });
    const ordersClient = { clientId: created.client.id, clientSecret: created.clientSecret };
    const token = await harness.token({ grant_type: 'client_credentials' }, ordersClient, [orders]);
    assert.equal(token.token_type, 'Bearer');

    // An unknown resource asked for again and again: one list read per API_MISS_REREAD_MS, not one per request.
    clock.advance(API_MISS_REREAD_MS);
    harness.storeCalls.length = 0;
    for (let asked = 0; asked < 5; asked += 1) {
      await assertRefused(
        harness.token({ grant_type: 'client_credentials' }, harness.backend, ['https://nowhere.example']),
        'invalid_target',
        /not a registered API/,
      );
    }
    assert.equal(catalogReads(harness.storeCalls).filter((call) => call === 'apis.list').length, 1);
    clock.advance(API_MISS_REREAD_MS);
    await assertRefused(
      harness.token({ grant_type: 'client_credentials' }, harness.backend, ['https://nowhere.example']),
      'invalid_target',
      /not a registered API/,
    );
    assert.equal(catalogReads(harness.storeCalls).filter((call) => call === 'apis.list').length, 2);
  });

  it('reads the store on every request with maxAgeMs 0', async () => {
    const harness = await open({}, { catalogCache: { maxAgeMs: 0 } });
    await clientCredentials(harness);
    harness.storeCalls.length = 0;
    await clientCredentials(harness);
    await clientCredentials(harness);
    assert.equal(catalogReads(harness.storeCalls).filter((call) => call === 'clients.get').length, 2);
  });
});
