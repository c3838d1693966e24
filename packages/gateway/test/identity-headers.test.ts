/**
 * Identity headers spelt with `_` instead of `-`: CGI, WSGI, Rack and PHP servers read `X_Tollgate_Subject` as
 * `X-Tollgate-Subject`, so no spelling of an identity header may pass the gateway. Sent over raw sockets, so the
 * names reach the gateway exactly as written.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startTestGateway, type TestGateway } from './support/gateway.js';
import { sendRaw } from './support/http.js';
import { startIssuer, type TestIssuer } from './support/issuer.js';
import { startUpstream, type TestUpstream } from './support/upstream.js';

const SPOOFED = [
  'X_Tollgate_Subject: admin',
  'X_TOLLGATE_SCOPES: admin',
  'x-tollgate_client: trusted-service',
  'X_Tollgate-Impersonate: root',
  'x_user: admin',
  'X-User: admin',
].join('\r\n');

/** Identity-like names the upstream received, as it received them: only the gateway's own three may be there. */
function identityNames(rawHeaders: readonly string[]): string[] {
  return rawHeaders
    .filter((_, index) => index % 2 === 0)
    .filter((name) => {
      const key = name.toLowerCase().replaceAll('_', '-');
      return key.startsWith('x-tollgate-') || key === 'x-user';
    })
    .sort();
}

/**
 * A WebSocket handshake over a raw socket; resolves with the upstream's first message (its view of the handshake),
 * read from the first frame after the 101 (the echo server sends short unmasked text frames).
 */
function rawWebSocketHello(base: string, head: string): Promise<{ status: number; hello: string }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname);
    let received = Buffer.alloc(0);
    socket.on('connect', () => {
      const key = randomBytes(16).toString('base64');
      socket.write(
        `${head}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${key}\r\n\r\n`,
      );
    });
    socket.on('error', reject);
    socket.on('close', () => reject(new Error(`closed after ${received.toString('latin1')}`)));
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const end = received.indexOf('\r\n\r\n');
      if (end === -1) return;
      const status = Number(received.toString('latin1', 9, 12));
      const frame = received.subarray(end + 4);
      if (status !== 101) {
        socket.destroy();
        resolve({ status, hello: '' });
        return;
      }
      const length = frame[1] === 126 ? frame.readUInt16BE(2) : (frame[1] ?? 0) & 0x7f;
      const offset = frame[1] === 126 ? 4 : 2;
      if (frame.length < offset + length) return;
      socket.removeAllListeners('close');
      socket.destroy();
      resolve({ status, hello: frame.toString('utf8', offset, offset + length) });
    });
  });
}

describe('identity headers spelt with underscores never reach the upstream', () => {
  let issuer: TestIssuer;
  let upstream: TestUpstream;
  let gateway: TestGateway;
  let forwardAuth: TestGateway;
  let token: string;

  before(async () => {
    issuer = await startIssuer();
    upstream = await startUpstream();
    const routes = [
      { path: '/data', upstream: upstream.url, scopes: ['read:data'] },
      { path: '/public', upstream: upstream.url, public: true },
    ];
    gateway = await startTestGateway(issuer.url, { identityHeaders: { subject: 'X-User' }, routes });
    forwardAuth = await startTestGateway(issuer.url, {
      trustProxy: ['127.0.0.1'],
      forwardAuth: { enabled: true, mode: 'traefik' },
      routes,
    });
    token = await issuer.token({ scope: 'read:data' });
  });

  after(async () => {
    await Promise.all([gateway.close(), forwardAuth.close()]);
    await Promise.all([issuer.close(), upstream.close()]);
  });

  const last = () => upstream.received.at(-1) ?? assert.fail('nothing reached the upstream');

  it('strips them on a protected route and sends only the verified identity', async () => {
    const reply = await sendRaw(
      gateway.url,
      `GET /data/x HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer ${token}\r\n${SPOOFED}`,
    );
    assert.equal(reply.status, 200);
    const seen = last();
    assert.equal(seen.path, '/data/x');
    assert.deepEqual(identityNames(seen.rawHeaders), ['X-Tollgate-Client', 'X-Tollgate-Scopes', 'X-User']);
    assert.equal(seen.headers['x-user'], 'user-42');
  });

  it('strips them on a public route, which gets no identity at all', async () => {
    const reply = await sendRaw(gateway.url, `GET /public/page HTTP/1.1\r\nHost: gw\r\n${SPOOFED}`);
    assert.equal(reply.status, 200);
    assert.equal(last().path, '/public/page');
    assert.deepEqual(identityNames(last().rawHeaders), []);
  });

  it('strips the forwarding headers the gateway rebuilds when they are spelt with underscores', async () => {
    const spoofed =
      'X_Forwarded_For: 10.0.0.1\r\nX_FORWARDED_PROTO: https\r\nx_forwarded_host: admin.internal\r\nX_Real_IP: 10.0.0.1';
    const reply = await sendRaw(gateway.url, `GET /public/page HTTP/1.1\r\nHost: gw\r\n${spoofed}`);
    assert.equal(reply.status, 200);
    const names = last()
      .rawHeaders.filter((_, index) => index % 2 === 0)
      .filter((name) => /^x[-_](forwarded|real)[-_]/i.test(name));
    assert.deepEqual(names, ['X-Forwarded-For', 'X-Forwarded-Proto', 'X-Forwarded-Host']);
    assert.equal(last().headers['x-forwarded-for'], '127.0.0.1');
  });

  it('strips them from a WebSocket handshake', async () => {
    const { status, hello } = await rawWebSocketHello(
      gateway.url,
      `GET /data/socket HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer ${token}\r\n${SPOOFED}`,
    );
    assert.equal(status, 101);
    const { headers } = JSON.parse(hello) as { headers: Record<string, string> };
    // Node lower-cases the names but keeps `_`: an underscore spelling would show as its own key.
    assert.deepEqual(identityNames(Object.keys(headers).flatMap((name) => [name, ''])), [
      'x-tollgate-client',
      'x-tollgate-scopes',
      'x-user',
    ]);
    assert.equal(headers['x-user'], 'user-42');
  });

  it('denies a forward-auth check carrying one, since the proxy would pass it on beside the identity', async () => {
    const check = `GET /_tollgate/auth HTTP/1.1\r\nHost: gw\r\nX-Forwarded-Method: GET\r\nX-Forwarded-Uri: /public/page`;
    const plain = await sendRaw(forwardAuth.url, check);
    assert.equal(plain.status, 200);
    for (const header of ['X_Tollgate_Subject: admin', 'X_TOLLGATE_SCOPES: admin', 'x-tollgate_client: x']) {
      const reply = await sendRaw(forwardAuth.url, `${check}\r\nAuthorization: Bearer ${token}\r\n${header}`);
      assert.equal(reply.status, 403, header);
      assert.equal(reply.json().error, 'invalid_request');
      assert.equal(reply.headers['x-tollgate-subject'], undefined);
    }
  });
});
