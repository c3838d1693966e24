/**
 * The upstream half of a WebSocket upgrade: connect, send the rewritten handshake with node:http's client
 * (a real HTTP/1.1 parser reads the answer: bounded header size, 1xx interim responses, chunked bodies),
 * and report how the upstream answered. The answer head must arrive within `upstreamMs`; a body that is
 * relayed must keep flowing (`idleMs`), as on the plain proxy path.
 */
import { once } from 'node:events';
import { type IncomingMessage, STATUS_CODES, request as httpRequest } from 'node:http';
import { type Socket, connect as connectTcp, isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { connect as connectTls } from 'node:tls';
import { responseHeadersFrom } from './headers.js';
import { closeAfterAnswer } from './responses.js';
import { errorCode } from './upstream.js';

/** Node's default; an upstream answer head above it is refused with 502 (HPE_HEADER_OVERFLOW). */
const UPSTREAM_HEAD_MAX_BYTES = 16 * 1024;

export interface HandshakeTimeouts {
  connectMs: number;
  /** Until the upstream's answer head. */
  upstreamMs: number;
  /** A relayed body silent this long is cut. */
  idleMs: number;
}

export interface UpstreamHandshake {
  origin: URL;
  path: string;
  /** Flat `[name, value, ...]`, Host and the switching headers included. */
  headers: string[];
}

export type UpstreamAnswer =
  /** The upstream answered 101: its socket now carries the new protocol (if the 101 checks out). */
  | { kind: 'switched'; response: IncomingMessage; socket: Socket; head: Buffer }
  /** The upstream answered with a final status: it is still speaking HTTP. */
  | { kind: 'answered'; response: IncomingMessage }
  | { kind: 'failed'; timedOut: boolean; code: string };

/** Sends the handshake and waits for the answer head; `client` closing first aborts it. */
export async function askUpstream(
  handshake: UpstreamHandshake,
  timeouts: HandshakeTimeouts,
  client: Duplex,
): Promise<UpstreamAnswer> {
  const connected = await connectUpstream(handshake.origin, timeouts.connectMs);
  if ('failure' in connected)
    return { kind: 'failed', timedOut: connected.failure === 'timeout', code: connected.code };
  const socket = connected.socket;
  if (client.destroyed) {
    socket.destroy();
    return { kind: 'failed', timedOut: false, code: 'CLIENT_GONE' };
  }
  const request = httpRequest({
    createConnection: () => socket,
    method: 'GET',
    path: handshake.path,
    headers: handshake.headers,
    maxHeaderSize: UPSTREAM_HEAD_MAX_BYTES,
  });
  const abort = (code: string) => () => request.destroy(Object.assign(new Error(code), { code }));
  const deadline = setTimeout(abort('WS_HANDSHAKE_TIMEOUT'), timeouts.upstreamMs);
  const clientGone = abort('CLIENT_GONE');
  client.once('close', clientGone);
  try {
    return await answerOf(request);
  } finally {
    clearTimeout(deadline);
    client.off('close', clientGone);
  }
}

function answerOf(request: ReturnType<typeof httpRequest>): Promise<UpstreamAnswer> {
  return new Promise((resolve) => {
    request.once('upgrade', (response: IncomingMessage, socket: Socket, head: Buffer) =>
      resolve({ kind: 'switched', response, socket, head }),
    );
    request.once('response', (response: IncomingMessage) => {
      // node:http reports a 101 without Upgrade/Connection as a response: no protocol was switched.
      if (response.statusCode !== undefined && response.statusCode >= 200) resolve({ kind: 'answered', response });
      else {
        request.destroy();
        resolve({ kind: 'failed', timedOut: false, code: 'WS_101_WITHOUT_UPGRADE' });
      }
    });
    // `on`, not `once`: node:http may report a later socket error on the request as well, after an answer.
    request.on('error', (error: unknown) => {
      const code = errorCode(error);
      resolve({ kind: 'failed', timedOut: code === 'WS_HANDSHAKE_TIMEOUT', code });
    });
    request.end();
  });
}

/**
 * Relays an upstream's non-101 answer (status, end-to-end headers, body) and closes the client's
 * connection: the bytes the client sent after its handshake were never read and are dropped with it.
 * The body keeps the upstream's Content-Length when it had one, else it ends with the connection
 * (RFC 9112 6.3 item 8). Resolves when the client connection is closing.
 */
export async function relayAnswer(client: Duplex, response: IncomingMessage, idleMs: number): Promise<void> {
  const status = response.statusCode ?? 502;
  const lines = [`HTTP/1.1 ${status} ${response.statusMessage || STATUS_CODES[status] || ''}`.trimEnd()];
  const headers = responseHeadersFrom(response.rawHeaders);
  for (let index = 0; index + 1 < headers.length; index += 2) lines.push(`${headers[index]}: ${headers[index + 1]}`);
  lines.push('Connection: close');
  client.write(`${lines.join('\r\n')}\r\n\r\n`);
  response.socket.setTimeout(idleMs, () => response.destroy(new Error('upstream body idle')));
  try {
    await pipeline(response, client, { end: false });
    closeAfterAnswer(client);
  } catch {
    // A body cut short must not look complete to the client.
    client.destroy();
  } finally {
    response.destroy();
  }
}

type Connected = { socket: Socket } | { failure: 'bad_gateway' | 'timeout'; code: string };

async function connectUpstream(origin: URL, connectMs: number): Promise<Connected> {
  const secure = origin.protocol === 'https:';
  const host = origin.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = Number(origin.port) || (secure ? 443 : 80);
  const socket = secure
    ? connectTls({ host, port, servername: isIP(host) === 0 ? host : undefined, ALPNProtocols: ['http/1.1'] })
    : connectTcp({ host, port });
  const timer = setTimeout(
    () => socket.destroy(Object.assign(new Error('connect timeout'), { code: 'ETIMEDOUT' })),
    connectMs,
  );
  try {
    await once(socket, secure ? 'secureConnect' : 'connect');
    return { socket };
  } catch (error) {
    socket.destroy();
    const code = errorCode(error);
    return { failure: code === 'ETIMEDOUT' ? 'timeout' : 'bad_gateway', code };
  } finally {
    clearTimeout(timer);
  }
}
