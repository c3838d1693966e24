/**
 * WebSocket upgrades (RFC 6455): the client's handshake is checked (4.2.1), then authorized exactly like
 * any other request. The request head is rewritten (hop-by-hop and identity headers stripped, identity and
 * X-Forwarded-* added, `Host` set to the upstream's) and sent on a fresh TCP/TLS connection; the two
 * sockets are piped together only once the upstream has answered a valid 101. Any other answer is relayed
 * and the client's connection closed. A refusal is an ordinary HTTP response written on the client's socket.
 */
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { AccessLogEntry } from './access-log.js';
import { type Allowed, type Refusal, authorize, jsonRefusal, receivedRequestFacts } from './authorize.js';
import { addForwardingHeaders, addIdentityHeaders, scanRequestHeaders } from './headers.js';
import { callerAddress } from '@tollgate/transport';
import { isEncrypted, peerOf, refuseInsecure } from './net.js';
import type { GatewayRuntime } from './runtime.js';
import { BAD_GATEWAY, GATEWAY_TIMEOUT, SERVER_ERROR, writeRefusalToSocket } from './responses.js';
import { upstreamPathFor } from './routes.js';
import { clientHandshakeProblem, switchingProblem, switchingHead } from './websocket-handshake.js';
import { type HandshakeTimeouts, askUpstream, relayAnswer } from './websocket-upstream.js';

export interface TunnelOptions extends HandshakeTimeouts {
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
  const peer = peerOf(runtime.isTrustedProxy, req.socket);
  const scanned = scanRequestHeaders(req.rawHeaders, runtime.policy, peer.trusted);
  const refusal = handshakeRefusal(refuseInsecure(runtime.isTrustedProxy, req, peer), req, scanned.hasBody);
  if (refusal !== undefined) {
    writeRefusalToSocket(socket, refusal);
    runtime.accessLog.write({ ...base, route: undefined, path: undefined, token: undefined, status: refusal.status });
    return;
  }
  const remoteAddress = callerAddress(peer.address, peer.trusted, scanned.forwardedFor);
  const decision = await authorize(runtime, receivedRequestFacts(req, scanned, remoteAddress));
  const entry = { ...base, route: decision.route, path: decision.path, token: decision.token };
  if (!decision.allowed) {
    writeRefusalToSocket(socket, decision.refusal);
    runtime.accessLog.write({ ...entry, status: decision.refusal.status });
    return;
  }
  addForwardingHeaders(scanned, { clientAddress: peer.address, encrypted: isEncrypted(req) });
  if (decision.token !== undefined) addIdentityHeaders(scanned.forward, runtime.policy, decision.token, decision.route);
  const clientKey = req.headers['sec-websocket-key'] ?? '';
  await openTunnel(runtime, options, { socket, head, clientKey, decision, headers: scanned.forward, entry });
}

/** Refused before any token is looked at or upstream contacted: plain HTTP from afar, or a malformed handshake. */
function handshakeRefusal(insecure: string | undefined, req: IncomingMessage, hasBody: boolean): Refusal | undefined {
  if (insecure !== undefined) return jsonRefusal(403, 'invalid_request', insecure);
  const problem = clientHandshakeProblem(req, hasBody);
  if (problem === undefined) return undefined;
  return { ...jsonRefusal(400, 'invalid_request', problem.description), headers: problem.headers };
}

interface Handshake {
  socket: Duplex;
  /** What the client sent after its handshake, before Node handed over the socket: held, like the rest. */
  head: Buffer;
  clientKey: string;
  decision: Allowed;
  /** The rewritten request headers, flat. */
  headers: string[];
  entry: Omit<AccessLogEntry, 'status'>;
}

/**
 * Sends the rewritten handshake upstream and tunnels only once the upstream has switched protocols with a
 * valid 101 (RFC 6455 4.1). Until then nothing the client sent after its handshake is read: Node leaves
 * the upgraded socket paused (so TCP flow control bounds it), and `head` is kept aside. Had those bytes
 * reached an upstream still speaking HTTP, they would be its next request on the connection: unauthorized,
 * with whatever identity headers the client wrote.
 */
async function openTunnel(runtime: GatewayRuntime, options: TunnelOptions, handshake: Handshake): Promise<void> {
  const { socket: client, decision, entry } = handshake;
  options.tunnels.add(client);
  client.once('close', () => options.tunnels.delete(client));
  const origin = new URL(decision.route.upstream.origin);
  const headers = ['Host', origin.host, 'Connection', 'Upgrade', 'Upgrade', 'websocket', ...handshake.headers];
  const path = upstreamPathFor(decision.route, decision.path, decision.query);
  const answer = await askUpstream({ origin, path, headers }, options, client);
  if (answer.kind === 'failed') {
    const status = client.destroyed ? 499 : answer.timedOut ? 504 : 502;
    writeRefusalToSocket(client, answer.timedOut ? GATEWAY_TIMEOUT : BAD_GATEWAY);
    runtime.accessLog.write({ ...entry, status, upstreamError: answer.code });
    return;
  }
  if (answer.kind === 'answered') {
    // The upstream refused or ignored the upgrade (RFC 9110 7.8 lets it): relay its answer, then close.
    runtime.accessLog.write({ ...entry, status: answer.response.statusCode ?? 502 });
    await relayAnswer(client, answer.response, options.idleMs);
    return;
  }
  const problem = switchingProblem(answer.response.headers, handshake.clientKey);
  if (problem !== undefined) {
    answer.socket.destroy();
    writeRefusalToSocket(client, BAD_GATEWAY);
    runtime.accessLog.write({ ...entry, status: 502, upstreamError: problem });
    return;
  }
  client.write(switchingHead(answer.response.rawHeaders));
  if (answer.head.length > 0) client.write(answer.head);
  // Early data: a client must wait for the 101 before sending frames (RFC 6455 4.1), but some send them with
  // the handshake to save a round trip. Once the upstream has verifiably switched, those bytes can only be
  // read as WebSocket frames, so they go on, in order, ahead of the rest, as nginx and Envoy do.
  if (handshake.head.length > 0) answer.socket.write(handshake.head);
  tunnel(client, answer.socket, options.idleMs);
  runtime.accessLog.write({ ...entry, status: 101 });
}

function tunnel(client: Duplex, upstream: Socket, idleMs: number): void {
  const end = () => {
    client.destroy();
    upstream.destroy();
  };
  for (const side of [client, upstream]) {
    side.on('error', end);
    side.on('close', end);
  }
  // Either side may have closed while the 101 was being checked, before these listeners existed.
  if (client.destroyed || upstream.destroyed) {
    end();
    return;
  }
  // Like nginx's proxy_read_timeout: a tunnel silent in both directions for idleMs is closed.
  upstream.setTimeout(idleMs, end);
  // Node hands 'upgrade' listeners the connection's net.Socket (or TLSSocket), typed as a Duplex.
  (client as Socket).setTimeout(idleMs, end);
  upstream.pipe(client);
  client.pipe(upstream);
}
