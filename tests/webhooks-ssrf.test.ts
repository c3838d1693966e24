/**
 * Webhooks cannot be used to probe the server's own network (server-side request forgery), over real HTTP against a
 * started server: a URL whose host is a refused IP literal gets a 400 naming the rule; a name that resolves to a
 * refused address (here through a preloaded fake DNS, as a hostile DNS server would answer) is never connected to,
 * and its deliveries record why instead of a status; private networks are accepted once the operator allows them.
 * The production server has a public issuer, so loopback counts as internal there.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { type AdminClient, addDashboardUser, assertAdminError, signIn } from './support/admin-api.js';
import { fakeDnsEnvironment } from './support/fake-dns.js';
import { asObject } from './support/http.js';
import { startTollgate, type TollgateProcess } from './support/tollgate.js';
import { waitUntil } from './support/wait.js';

const ROOT = { username: 'root', password: 'root has a long password' };
const WAIT = { timeoutMs: 20_000, intervalMs: 50 };
const REBOUND_NAME = 'hooks.rebind.test';
const METADATA_NAME = 'metadata.rebind.test';

interface Delivery {
  status: string;
  attempts: number;
  lastResponseStatus: number | null;
  lastError: string | null;
}

/** Counts TCP connections, not requests: the guard must refuse before connecting, not merely before sending. */
async function startCountingReceiver(): Promise<{ server: Server; port: number; connections: () => number }> {
  let connections = 0;
  const server = createServer((request, response) => {
    request.resume();
    response.end();
  });
  server.on('connection', () => {
    connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, connections: () => connections };
}

async function adminOf(server: TollgateProcess): Promise<AdminClient> {
  await addDashboardUser(server, ROOT.username, ROOT.password, { admin: true });
  return signIn(server.url, ROOT.username, ROOT.password);
}

describe('webhooks against server-side request forgery', () => {
  let receiver: Awaited<ReturnType<typeof startCountingReceiver>>;
  let production: TollgateProcess;
  let internal: TollgateProcess;
  let root: AdminClient;

  before(async () => {
    receiver = await startCountingReceiver();
    production = await startTollgate({
      config: { issuer: 'https://auth.example.test' },
      env: fakeDnsEnvironment({ [REBOUND_NAME]: ['127.0.0.1'], [METADATA_NAME]: ['169.254.169.254'] }),
    });
    root = await adminOf(production);
    internal = await startTollgate({
      config: { issuer: 'https://auth.example.test' },
      env: { TOLLGATE_WEBHOOKS_ALLOW_PRIVATE_NETWORKS: 'true' },
    });
  });
  after(async () => {
    await Promise.all([production?.stop(), internal?.stop()]);
    receiver?.server.closeAllConnections();
    receiver?.server.close();
  });

  it('refuses to save a URL whose host is a refused IP literal, naming the rule', async () => {
    const cases: ReadonlyArray<readonly [string, RegExp]> = [
      ['http://169.254.169.254/latest/meta-data', /^url: the address 169\.254\.169\.254 .* link-local, where cloud/],
      ['https://10.0.0.1/', /^url: the address 10\.0\.0\.1 .* private network \(10\.0\.0\.0\/8\); .*allowPrivate/],
      ['https://[::ffff:a9fe:a9fe]/', /^url: the address ::ffff:a9fe:a9fe .* link-local/],
      ['https://0.0.0.0:8443/', /^url: the address 0\.0\.0\.0 .* unspecified/],
      [`http://127.0.0.1:${receiver.port}/`, /^url: the address 127\.0\.0\.1 .* this machine/],
    ];
    for (const [url, message] of cases) {
      const created = await root.post('/webhooks', { url, events: ['user.disabled'] });
      assert.match(assertAdminError(created, 400, 'invalid_request'), message, url);
    }
    const saved = await root.post('/webhooks', { url: 'https://hooks.example.test/in', events: ['user.disabled'] });
    assert.equal(saved.status, 201, saved.text);
    const id = String(asObject(asObject(saved.json).endpoint).id);
    const changed = await root.patch(`/webhooks/${id}`, { url: 'https://172.16.0.9/in' });
    assert.match(assertAdminError(changed, 400, 'invalid_request'), /172\.16\.0\.9 .* private network/);
    assert.equal((await root.get('/webhooks')).status, 200);
    assert.deepEqual(receiver.connections(), 0);
  });

  it('never connects to a refused address a name resolves to, and records why', async () => {
    const deliveriesFor = async (url: string): Promise<Delivery> => {
      const saved = await root.post('/webhooks', { url, events: ['user.disabled'] });
      assert.equal(saved.status, 201, saved.text);
      const id = String(asObject(asObject(saved.json).endpoint).id);
      assert.equal((await root.post(`/webhooks/${id}/test`, {})).status, 202);
      const { value } = await waitUntil(
        `the first attempt to ${url} is recorded`,
        async () => {
          const listed = await root.get(`/webhooks/${id}/deliveries`);
          const [delivery] = asObject(listed.json).deliveries as Delivery[];
          // A claim counts the attempt before its outcome is written: wait for the outcome.
          return delivery !== undefined && delivery.lastError !== null ? delivery : undefined;
        },
        WAIT,
      );
      return value;
    };

    const rebound = await deliveriesFor(`https://${REBOUND_NAME}:${receiver.port}/in`);
    assert.deepEqual(rebound, {
      ...rebound,
      status: 'pending',
      lastResponseStatus: null,
      lastError:
        'the address 127.0.0.1 is not allowed for webhooks: it is this machine (127.0.0.0/8), allowed only on a ' +
        'server with a loopback issuer or with webhooks.allowPrivateNetworks',
    });
    const metadata = await deliveriesFor(`https://${METADATA_NAME}/latest/meta-data`);
    assert.equal(
      metadata.lastError,
      'the address 169.254.169.254 is not allowed for webhooks: it is link-local, where cloud metadata services ' +
        'answer (169.254.0.0/16)',
    );
    assert.equal(metadata.status, 'pending', 'retried like any failed attempt');
    assert.equal(receiver.connections(), 0, 'the receiver behind the rebound name saw no connection');
  });

  it('accepts private-network and loopback receivers where the operator allows private networks', async () => {
    const admin = await adminOf(internal);
    for (const url of [
      'https://10.0.0.1/hooks',
      'https://[fd00::2]:8443/hooks',
      `http://127.0.0.1:${receiver.port}/`,
    ]) {
      const saved = await admin.post('/webhooks', { url, events: ['user.disabled'] });
      assert.equal(saved.status, 201, `${url}: ${saved.text}`);
    }
    const metadata = await admin.post('/webhooks', { url: 'https://169.254.169.254/', events: ['user.disabled'] });
    assert.match(assertAdminError(metadata, 400, 'invalid_request'), /link-local/);
  });
});
