import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { ProofKey } from './support/dpop-client.js';
import { startTestGateway, type TestGateway } from './support/gateway.js';
import { startIssuer, type TestIssuer } from './support/issuer.js';
import { startUpstream, type TestUpstream } from './support/upstream.js';

interface OpenSocket {
  socket: WebSocket;
  /** The next message; messages are queued from the start (the upstream's hello can share a packet with the 101). */
  next(): Promise<string>;
}

/** Opens a WebSocket and resolves with it once open, or with the HTTP status of a refused handshake. */
function open(url: string, headers: Record<string, string> = {}): Promise<OpenSocket | number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    const queued: string[] = [];
    const waiting: Array<(message: string) => void> = [];
    socket.on('message', (data: Buffer) => {
      const take = waiting.shift();
      if (take) take(data.toString());
      else queued.push(data.toString());
    });
    const next = () => {
      const message = queued.shift();
      return message === undefined ? new Promise<string>((done) => waiting.push(done)) : Promise.resolve(message);
    };
    socket.once('open', () => resolve({ socket, next }));
    socket.once('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      socket.terminate();
    });
    socket.once('error', reject);
  });
}

describe('WebSocket upgrades through the gateway', () => {
  let issuer: TestIssuer;
  let upstream: TestUpstream;
  let gateway: TestGateway;
  let wsUrl: string;

  before(async () => {
    issuer = await startIssuer();
    upstream = await startUpstream();
    gateway = await startTestGateway(issuer.url, {
      routes: [
        { path: '/live', upstream: `${upstream.url}/socket`, scopes: ['read:data'] },
        { path: '/lobby', upstream: upstream.url, public: true },
        // Port 9 (discard) has no listener here: the tunnel cannot be opened.
        { path: '/dead', upstream: 'http://127.0.0.1:9', public: true },
      ],
    });
    wsUrl = gateway.url.replace(/^http/, 'ws');
  });

  after(async () => {
    await gateway.close();
    await Promise.all([issuer.close(), upstream.close()]);
  });

  it('tunnels an authorized WebSocket with identity headers and echoes messages both ways', async () => {
    const token = await issuer.token();
    const opened = await open(`${wsUrl}/live/feed?room=1`, {
      authorization: `Bearer ${token}`,
      'x-tollgate-subject': 'spoofed',
    });
    assert.ok(typeof opened !== 'number', `handshake refused with ${String(opened)}`);
    const { socket, next } = opened;
    const handshake = JSON.parse(await next()) as { path: string; headers: Record<string, string> };
    assert.equal(handshake.path, '/socket/live/feed?room=1');
    assert.deepEqual(upstream.upgrades, ['/socket/live/feed?room=1']);
    assert.equal(handshake.headers['x-tollgate-subject'], 'user-42');
    assert.equal(handshake.headers.authorization, undefined);
    socket.send('ping through the gateway');
    assert.equal(await next(), 'ping through the gateway');
    socket.close();
    await once(socket, 'close');
    const logged = gateway.logs().find((line) => line.mode === 'websocket' && line.path === '/live/feed');
    assert.equal(logged?.status, 101);
  });

  it('opens a WebSocket for a DPoP-bound token with its proof, without passing the proof on, and only once', async () => {
    const key = new ProofKey('EdDSA');
    const token = await issuer.token({ cnf: { jkt: key.jkt } });
    // No publicUrl here: the proof names the Host the client used, scheme from the connection.
    const headers = {
      authorization: `DPoP ${token}`,
      dpop: key.proof({ htm: 'GET', htu: `${gateway.url}/live/dpop`, token }),
    };
    const opened = await open(`${wsUrl}/live/dpop`, headers);
    assert.ok(typeof opened !== 'number', `handshake refused with ${String(opened)}`);
    const handshake = JSON.parse(await opened.next()) as { headers: Record<string, string> };
    assert.equal(handshake.headers['x-tollgate-subject'], 'user-42');
    assert.equal(handshake.headers.dpop, undefined);
    opened.socket.close();
    await once(opened.socket, 'close');
    assert.equal(await open(`${wsUrl}/live/dpop`, headers), 401, 'the replayed proof opened a second socket');
  });

  it('refuses a handshake without a token with 401, before reaching the upstream', async () => {
    const before = upstream.upgrades.length;
    assert.equal(await open(`${wsUrl}/live/feed`), 401);
    assert.equal(await open(`${wsUrl}/live/feed`, { authorization: 'Bearer nope.nope.nope' }), 401);
    const reader = await issuer.token({ scope: 'write:data' });
    assert.equal(await open(`${wsUrl}/live/feed`, { authorization: `Bearer ${reader}` }), 403);
    assert.equal(await open(`${wsUrl}/live%2Ffeed`), 400);
    assert.equal(upstream.upgrades.length, before, 'a refused handshake reached the upstream');
  });

  it('opens a public WebSocket without a token, still without spoofable identity', async () => {
    const opened = await open(`${wsUrl}/lobby`, { 'X-Tollgate-Subject': 'admin' });
    assert.ok(typeof opened !== 'number', `handshake refused with ${String(opened)}`);
    const hello = JSON.parse(await opened.next()) as { headers: Record<string, string> };
    assert.equal(hello.headers['x-tollgate-subject'], undefined);
    opened.socket.close();
    await once(opened.socket, 'close');
  });

  it('answers 502 on the socket when the upstream cannot be reached', async () => {
    assert.equal(await open(`${wsUrl}/dead`), 502);
    const logged = gateway.logs().find((line) => line.mode === 'websocket' && line.path === '/dead');
    assert.equal(logged?.status, 502);
    assert.equal(logged?.upstreamError, 'ECONNREFUSED');
  });
});
