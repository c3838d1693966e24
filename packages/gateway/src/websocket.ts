/**
 * WebSocket upgrades (RFC 6455 4.1): authorized exactly like any other request, then tunnelled. The
 * request head is rewritten (hop-by-hop and identity headers stripped, identity and X-Forwarded-* added,
 * `Host` set to the upstream's), written to a fresh TCP/TLS connection, and the two sockets are piped
 * together. A refusal is an ordinary HTTP response written on the client's socket.
 */
import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { type Socket, connect as connectTcp, isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect as connectTls } from 'node:tls';
import { type AccessLogEntry, logAccess } from './access-log.js';
import { type Allowed, authorize, jsonRefusal } from './authorize.js';
import { addForwardingHeaders, addIdentityHeaders, scanRequestHeaders } from './headers.js';
import { callerAddress } from './net.js';
import { type GatewayRuntime, isEncrypted, peerOf, refuseInsecure } from './proxy.js';
import { BAD_GATEWAY, GATEWAY_TIMEOUT, SERVER_ERROR, writeRefusalToSocket } from './responses.js';
import { upstreamPathFor } from './routes.js';
import { errorCode } from './upstream.js';

export interface TunnelOptions {
  connectMs: number;
  idleMs: number;
  /** Open tunnels, so closing the gateway can end them. */
  tunnels: Set<Duplex>;
}

export function createUpgradeHandler(runtime: GatewayRuntime, options: TunnelOptions) {
  return (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    // After 'upgrade' Node no longer watches the socket: an unhandled error would crash the process.
    socket.on('error', () => socket.destroy());
    handleUpgrade(runtime, options, req, socket, head).catch((error: unknown) => {
      runtime.logger.error({ err: error }, 'upgrade handling failed');
      writeRefusalToSocket(socket, SERVER_ERROR);
    });
  };
}

async function handleUpgrade(
  runtime: GatewayRuntime,
  options: TunnelOptions,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
): Promise<void> {
  const startedAt = performance.now();
  const method = req.method ?? 'GET';
  const target = req.url ?? '';
  const base = { mode: 'websocket' as const, method, rawTarget: target, startedAt };
  const peer = peerOf(runtime, req.socket);
  const insecure = refuseInsecure(runtime, req, peer);
  const notWebSocket = (req.headers.upgrade ?? '').toLowerCase() !== 'websocket';
  if (insecure !== undefined || notWebSocket) {
    const refusal = jsonRefusal(
      insecure ? 403 : 400,
      'invalid_request',
      insecure ?? 'only WebSocket upgrades are supported',
    );
    writeRefusalToSocket(socket, refusal);
    logAccess(runtime.logger, { ...base, route: undefined, path: undefined, token: undefined, status: refusal.status });
    return;
  }
  const scanned = scanRequestHeaders(req.rawHeaders, runtime.policy, peer.trusted);
  const remoteAddress = callerAddress(peer.address, peer.trusted, scanned.forwardedFor);
  const decision = await authorize(runtime, { method, target, authorization: scanned.authorization, remoteAddress });
  const entry = { ...base, route: decision.route, path: decision.path, token: decision.token };
  if (!decision.allowed) {
    writeRefusalToSocket(socket, decision.refusal);
    logAccess(runtime.logger, { ...entry, status: decision.refusal.status });
    return;
  }
  addForwardingHeaders(scanned, { clientAddress: peer.address, encrypted: isEncrypted(req) });
  if (decision.token !== undefined) addIdentityHeaders(scanned.forward, runtime.policy, decision.token);
  await openTunnel(runtime, options, { req, socket, head, decision, headers: scanned.forward, entry });
}

interface Handshake {
  req: IncomingMessage;
  socket: Duplex;
  head: Buffer;
  decision: Allowed;
  /** The rewritten request headers, flat. */
  headers: string[];
  entry: Omit<AccessLogEntry, 'status'>;
}

/** Connects to the upstream, replays the rewritten handshake, then pipes the two sockets together. */
async function openTunnel(runtime: GatewayRuntime, options: TunnelOptions, handshake: Handshake): Promise<void> {
  const { req, socket, head, decision, entry } = handshake;
  const origin = new URL(decision.route.upstream.origin);
  const connected = await connectUpstream(origin, options.connectMs);
  if ('failure' in connected) {
    const timedOut = connected.failure === 'timeout';
    writeRefusalToSocket(socket, timedOut ? GATEWAY_TIMEOUT : BAD_GATEWAY);
    logAccess(runtime.logger, { ...entry, status: timedOut ? 504 : 502, upstreamError: connected.code });
    return;
  }
  const upstream = connected.socket;
  if (socket.destroyed) {
    upstream.destroy();
    return;
  }
  const path = upstreamPathFor(decision.route, decision.path, decision.query);
  upstream.write(
    requestHead(req.method ?? 'GET', path, origin.host, req.headers.upgrade ?? 'websocket', handshake.headers),
  );
  if (head.length > 0) upstream.write(head);
  // The upstream's status line is logged (101, or its own refusal), then bytes flow untouched both ways.
  upstream.once('data', (chunk: Buffer) => {
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(chunk.toString('latin1', 0, 16))?.[1] ?? 0);
    logAccess(runtime.logger, { ...entry, status });
  });
  tunnel(socket, upstream, options);
}

function requestHead(method: string, path: string, host: string, upgrade: string, headers: readonly string[]): string {
  let head = `${method} ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: Upgrade\r\nUpgrade: ${upgrade}\r\n`;
  for (let index = 0; index + 1 < headers.length; index += 2) head += `${headers[index]}: ${headers[index + 1]}\r\n`;
  return `${head}\r\n`;
}

function tunnel(client: Duplex, upstream: Socket, options: TunnelOptions): void {
  options.tunnels.add(client);
  const end = () => {
    options.tunnels.delete(client);
    client.destroy();
    upstream.destroy();
  };
  for (const side of [client, upstream]) {
    side.on('error', end);
    side.on('close', end);
  }
  // Like nginx's proxy_read_timeout: a tunnel silent in both directions for idleMs is closed.
  upstream.setTimeout(options.idleMs, end);
  // Node hands 'upgrade' listeners the connection's net.Socket (or TLSSocket), typed as a Duplex.
  (client as Socket).setTimeout(options.idleMs, end);
  upstream.pipe(client);
  client.pipe(upstream);
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
