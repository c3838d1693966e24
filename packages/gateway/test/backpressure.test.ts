/**
 * A response body streams through the gateway at the pace of the client: while the client reads nothing,
 * the gateway stops reading from the upstream (undici's controller pause), so the upstream's writes block
 * instead of the gateway buffering the body in memory. Then every byte arrives once the client reads again.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { type IncomingMessage, type Server, createServer, get } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startTestGateway, type TestGateway } from './support/gateway.js';
import { startIssuer, type TestIssuer } from './support/issuer.js';

const CHUNK = Buffer.alloc(64 * 1024, 'x');
const TOTAL_BYTES = 128 * 1024 * 1024;
/** Socket buffers on the way (upstream, gateway both sides, client) hold some MiB: far less than the body. */
const BUFFERED_AT_MOST = 48 * 1024 * 1024;

interface StreamingUpstream {
  url: string;
  sent: () => number;
  blocked: () => boolean;
  close(): Promise<void>;
}

async function startStreamingUpstream(): Promise<StreamingUpstream> {
  let sent = 0;
  let blocked = false;
  const server: Server = createServer(async (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(TOTAL_BYTES) });
    while (sent < TOTAL_BYTES && !res.destroyed) {
      sent += CHUNK.length;
      if (!res.write(CHUNK)) {
        blocked = true;
        await Promise.race([once(res, 'drain'), once(res, 'close')]);
        blocked = false;
      }
    }
    res.end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    sent: () => sent,
    blocked: () => blocked,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Polls until the upstream has been blocked on every one of `times` consecutive looks, `intervalMs` apart. */
async function steadilyBlocked(upstream: StreamingUpstream, times = 20, intervalMs = 25): Promise<void> {
  let streak = 0;
  for (let looks = 0; streak < times; looks += 1) {
    assert.ok(looks < 2_000, 'the upstream never stayed blocked: the gateway keeps reading');
    streak = upstream.blocked() ? streak + 1 : 0;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

describe('response backpressure through the gateway', () => {
  let issuer: TestIssuer;
  let upstream: StreamingUpstream;
  let gateway: TestGateway;

  before(async () => {
    issuer = await startIssuer();
    upstream = await startStreamingUpstream();
    gateway = await startTestGateway(issuer.url, {
      routes: [{ path: '/big', upstream: upstream.url, public: true }],
    });
  });
  after(async () => {
    await gateway.close();
    await Promise.all([issuer.close(), upstream.close()]);
  });

  it('stops reading from the upstream while the client reads nothing, then delivers every byte', async () => {
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      get(`${gateway.url}/big`, resolve).on('error', reject);
    });
    assert.equal(response.statusCode, 200);
    response.pause();
    await steadilyBlocked(upstream);
    const sentWhilePaused = upstream.sent();
    assert.ok(
      sentWhilePaused < BUFFERED_AT_MOST,
      `the upstream sent ${sentWhilePaused} bytes to a client that read none`,
    );

    let received = 0;
    response.on('data', (chunk: Buffer) => {
      received += chunk.length;
    });
    response.resume();
    await once(response, 'end');
    assert.equal(received, TOTAL_BYTES);
  });
});
