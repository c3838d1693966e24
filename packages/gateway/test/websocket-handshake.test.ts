/**
 * The WebSocket handshake over raw sockets: a tunnel opens only after the upstream's verified 101, so
 * nothing a client writes behind its upgrade request can reach an upstream that is still speaking HTTP.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestGateway, type TestGateway } from './support/gateway.js';
import { startIssuer, type TestIssuer } from './support/issuer.js';
import { RawClient, clientTextFrame, headEnd, serverFrames } from './support/raw-client.js';
import { type RawAnswer, type RawUpstream, startRawUpstream } from './support/raw-upstream.js';
import { startUpstream, type TestUpstream } from './support/upstream.js';

/** RFC 6455 1.3's example key and the Sec-WebSocket-Accept it calls for. */
const KEY = 'dGhlIHNhbXBsZSBub25jZQ==';
const ACCEPT = 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=';

/** A request that, read as HTTP by the upstream, would pass unauthenticated with a forged identity. */
const SMUGGLED = 'GET /admin/anything HTTP/1.1\r\nHost: gateway.test\r\nX-Tollgate-Subject: admin\r\n\r\n';

interface UpgradeOptions {
  method?: string;
  /** Replaces (or, with null, removes) one of the standard handshake headers. */
  headers?: Record<string, string | null>;
  /** Further header lines, written as they are. */
  extra?: string[];
}

function upgradeRequest(path: string, options: UpgradeOptions = {}): string {
  const fields: Record<string, string | null> = {
    Host: 'gateway.test',
    Connection: 'Upgrade',
    Upgrade: 'websocket',
    'Sec-WebSocket-Key': KEY,
    'Sec-WebSocket-Version': '13',
    ...options.headers,
  };
  const lines = Object.entries(fields).flatMap(([name, value]) => (value === null ? [] : [`${name}: ${value}`]));
  return [`${options.method ?? 'GET'} ${path} HTTP/1.1`, ...lines, ...(options.extra ?? []), '', ''].join('\r\n');
}

const always =
  (reply: string): RawAnswer =>
  () =>
    reply;
/** A broken upstream: a 101 first, then (still reading HTTP) a 200 to whatever comes next. */
const switchingThenHttp =
  (head: string): RawAnswer =>
  (_request, index) =>
    index === 0 ? head : OK;

const OK =
  'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 11\r\nKeep-Alive: timeout=5\r\n' +
  'X-Upstream: plain\r\n\r\npublic page';
const NOT_FOUND =
  'HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n9\r\nnot found\r\n0\r\n\r\n';
const SWITCHING = 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n';
const BAD_GATEWAY_BODY = '{"error":"bad_gateway","error_description":"the upstream service could not be reached"}';

/** Each route has its own upstream, so what reached it is that case's alone. */
const CASES: Array<{ name: string; answer: RawAnswer; status: number; body: string; upstreamError?: string }> = [
  { name: 'answers 200', answer: always(OK), status: 200, body: 'public page' },
  { name: 'answers 404 (chunked)', answer: always(NOT_FOUND), status: 404, body: 'not found' },
  {
    name: 'answers 101 with a wrong Sec-WebSocket-Accept',
    answer: switchingThenHttp(`${SWITCHING}Sec-WebSocket-Accept: ${KEY}\r\n\r\n`),
    status: 502,
    body: BAD_GATEWAY_BODY,
    upstreamError: 'WS_ACCEPT_MISMATCH',
  },
  {
    name: 'answers 101 without Sec-WebSocket-Accept',
    answer: switchingThenHttp(`${SWITCHING}\r\n`),
    status: 502,
    body: BAD_GATEWAY_BODY,
    upstreamError: 'WS_ACCEPT_MISMATCH',
  },
  {
    name: 'answers 101 without Upgrade and Connection',
    answer: switchingThenHttp(`HTTP/1.1 101 Switching Protocols\r\nSec-WebSocket-Accept: ${ACCEPT}\r\n\r\n`),
    status: 502,
    body: BAD_GATEWAY_BODY,
    upstreamError: 'WS_101_WITHOUT_UPGRADE',
  },
  {
    name: 'answers 101 upgrading to another protocol',
    answer: switchingThenHttp(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${ACCEPT}\r\n\r\n`,
    ),
    status: 502,
    body: BAD_GATEWAY_BODY,
    upstreamError: 'WS_UPGRADE_NOT_WEBSOCKET',
  },
  {
    name: 'answers with a head larger than 16 KiB',
    answer: always(`HTTP/1.1 200 OK\r\nX-Padding: ${'p'.repeat(20_000)}\r\nContent-Length: 0\r\n\r\n`),
    status: 502,
    body: BAD_GATEWAY_BODY,
    upstreamError: 'HPE_HEADER_OVERFLOW',
  },
];

interface Exchange {
  status: number;
  headers: Record<string, string>;
  body: string;
  responses: number;
}

/** Writes `bytes` in one go and reads until the gateway closes the connection. */
async function exchange(base: string, bytes: string): Promise<Exchange> {
  const client = await RawClient.connect(base);
  client.write(bytes);
  const text = await client.untilEnd();
  client.destroy();
  const end = text.indexOf('\r\n\r\n');
  const [statusLine = '', ...fields] = text.slice(0, end).split('\r\n');
  const headers: Record<string, string> = {};
  for (const field of fields) {
    const colon = field.indexOf(':');
    headers[field.slice(0, colon).toLowerCase()] = field.slice(colon + 1).trim();
  }
  return {
    status: Number(statusLine.split(' ')[1]),
    headers,
    body: text.slice(end + 4),
    responses: text.match(/HTTP\/1\.1 \d{3} /g)?.length ?? 0,
  };
}

describe('a WebSocket upgrade whose upstream does not switch protocols', () => {
  let issuer: TestIssuer;
  let gateway: TestGateway;
  /** One per CASES entry, then the protected route's and the silent one. */
  const upstreams: RawUpstream[] = [];
  let protectedUpstream: RawUpstream;
  let silentUpstream: RawUpstream;
  let impatientGateway: TestGateway;

  before(async () => {
    issuer = await startIssuer();
    for (const { answer } of CASES) upstreams.push(await startRawUpstream(answer));
    protectedUpstream = await startRawUpstream(always(OK));
    silentUpstream = await startRawUpstream(() => undefined);
    const routes: unknown[] = upstreams.map((upstream, index) => ({
      path: `/public/${index}`,
      upstream: upstream.url,
      public: true,
    }));
    routes.push({ path: '/private', upstream: protectedUpstream.url, scopes: ['read:data'] });
    gateway = await startTestGateway(issuer.url, { routes });
    impatientGateway = await startTestGateway(issuer.url, {
      routes: [{ path: '/silent', upstream: silentUpstream.url, public: true }],
      timeouts: { upstreamMs: 300 },
    });
  });

  after(async () => {
    await Promise.all([gateway.close(), impatientGateway.close()]);
    await Promise.all([issuer.close(), ...[...upstreams, protectedUpstream, silentUpstream].map((u) => u.close())]);
  });

  for (const [index, { name, status, body, upstreamError }] of CASES.entries()) {
    it(`relays the answer, closes, and lets nothing after the handshake through when the upstream ${name}`, async () => {
      const path = `/public/${index}/ws`;
      const reply = await exchange(gateway.url, upgradeRequest(path) + SMUGGLED);
      assert.equal(reply.status, status);
      assert.equal(reply.body, body);
      assert.equal(reply.responses, 1, 'the client got more than one answer');
      assert.equal(reply.headers.connection, 'close');
      const upstream = upstreams[index] as RawUpstream;
      await upstream.allClosed();
      assert.deepEqual(upstream.requestLines, [`GET ${path} HTTP/1.1`]);
      const logged = gateway.logs().find((line) => line.mode === 'websocket' && line.path === path);
      assert.equal(logged?.status, status);
      assert.equal(logged?.upstreamError, upstreamError);
    });
  }

  it('relays the upstream end-to-end headers of a refused upgrade, not its hop-by-hop ones', async () => {
    const reply = await exchange(gateway.url, upgradeRequest('/public/0/ws'));
    assert.equal(reply.headers['x-upstream'], 'plain');
    assert.equal(reply.headers['content-length'], '11');
    assert.equal(reply.headers['keep-alive'], undefined);
  });

  it('does the same for a valid low-scope token on a protected route', async () => {
    const token = await issuer.token({ scope: 'read:data' });
    const upgrade = upgradeRequest('/private/ws', { extra: [`Authorization: Bearer ${token}`] });
    const reply = await exchange(gateway.url, upgrade + SMUGGLED);
    assert.equal(reply.status, 200);
    assert.equal(reply.body, 'public page');
    assert.equal(reply.responses, 1);
    await protectedUpstream.allClosed();
    assert.deepEqual(protectedUpstream.requestLines, ['GET /private/ws HTTP/1.1']);
  });

  it('answers 504 when the upstream does not answer the handshake in time, and sends it nothing more', async () => {
    const reply = await exchange(impatientGateway.url, upgradeRequest('/silent/ws') + SMUGGLED);
    assert.equal(reply.status, 504);
    assert.equal(reply.responses, 1);
    await silentUpstream.allClosed();
    assert.deepEqual(silentUpstream.requestLines, ['GET /silent/ws HTTP/1.1']);
  });

  it('refuses a malformed client handshake with 400 before contacting the upstream (RFC 6455 4.2.1)', async () => {
    const upstream = upstreams[0] as RawUpstream;
    const seen = upstream.requestLines.length;
    const keyProblem = 'Sec-WebSocket-Key must be the base64 encoding of 16 bytes';
    const versionProblem = 'Sec-WebSocket-Version must be 13';
    const malformed: Array<[UpgradeOptions, string, string?]> = [
      [{ headers: { 'Sec-WebSocket-Key': null } }, keyProblem],
      [{ headers: { 'Sec-WebSocket-Key': 'c2l4dGVlbiBieXRlcw' } }, keyProblem],
      [{ extra: [`Sec-WebSocket-Key: ${KEY}`] }, keyProblem],
      [{ headers: { 'Sec-WebSocket-Version': null } }, versionProblem],
      [{ headers: { 'Sec-WebSocket-Version': '8' } }, versionProblem],
      [{ method: 'POST' }, 'a WebSocket handshake must be a GET request'],
      [{ extra: ['Content-Length: 5'] }, 'a WebSocket handshake must not have a body', 'hello'],
    ];
    for (const [options, description, body = ''] of malformed) {
      const reply = await exchange(gateway.url, upgradeRequest('/public/0/ws', options) + body + SMUGGLED);
      assert.equal(reply.status, 400, description);
      assert.deepEqual(JSON.parse(reply.body), { error: 'invalid_request', error_description: description });
      assert.equal(reply.responses, 1);
      if (description === versionProblem) assert.equal(reply.headers['sec-websocket-version'], '13');
    }
    assert.equal(upstream.requestLines.length, seen, 'a malformed handshake reached the upstream');
  });
});

describe('a WebSocket upgrade whose upstream switches protocols', () => {
  let issuer: TestIssuer;
  let upstream: TestUpstream;
  let gateway: TestGateway;

  before(async () => {
    issuer = await startIssuer();
    upstream = await startUpstream();
    gateway = await startTestGateway(issuer.url, { routes: [{ path: '/live', upstream: upstream.url, public: true }] });
  });

  after(async () => {
    await gateway.close();
    await Promise.all([issuer.close(), upstream.close()]);
  });

  /** The frames after the 101 head, once at least `count` have arrived. */
  async function framesAfterHead(client: RawClient, count: number) {
    const received = await client.until(`the 101 and ${count} frames`, (bytes) => {
      const end = headEnd(bytes);
      return end !== -1 && serverFrames(bytes.subarray(end)).length >= count;
    });
    const end = headEnd(received);
    return { head: received.subarray(0, end).toString('latin1'), frames: serverFrames(received.subarray(end)) };
  }

  it('tunnels after a verified 101, passing on frames sent with the handshake first, in order', async () => {
    const client = await RawClient.connect(gateway.url);
    client.write(Buffer.concat([Buffer.from(upgradeRequest('/live/ws')), clientTextFrame('sent early')]));
    const { head, frames } = await framesAfterHead(client, 2);
    assert.match(head, /^HTTP\/1\.1 101 Switching Protocols\r\n/);
    assert.ok(head.includes(`\r\nSec-WebSocket-Accept: ${ACCEPT}\r\n`), head);
    const hello = JSON.parse(frames[0]?.payload.toString() ?? '{}') as { path?: string };
    assert.equal(hello.path, '/live/ws');
    assert.equal(frames[1]?.payload.toString(), 'sent early');
    client.write(clientTextFrame('sent later'));
    const later = await framesAfterHead(client, 3);
    assert.equal(later.frames[2]?.payload.toString(), 'sent later');
    client.destroy();
    assert.deepEqual(upstream.upgrades, ['/live/ws']);
  });

  it('passes an HTTP request sent with the handshake on as WebSocket data, never as a request', async () => {
    const client = await RawClient.connect(gateway.url);
    client.write(upgradeRequest('/live/ws') + SMUGGLED);
    // Not a valid frame: the upstream fails the WebSocket connection (RFC 6455 7.1.7), with a close frame.
    const { head, frames } = await framesAfterHead(client, 2);
    assert.match(head, /^HTTP\/1\.1 101 /);
    assert.equal(frames[1]?.opcode, 0x8);
    await client.untilEnd();
    client.destroy();
    assert.deepEqual(upstream.received, [], 'an HTTP request reached the upstream');
    assert.deepEqual(upstream.upgrades, ['/live/ws', '/live/ws']);
  });
});
