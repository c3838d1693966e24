/**
 * The hot path for plain HTTP requests, as a pipeline of named steps: transport check → (forward-auth
 * endpoint?) → one pass over the headers → authorize (path, route, token, scopes, rate limit) → build the
 * upstream headers → answer `Expect: 100-continue` → stream to the upstream and back → access log.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { type AccessLogEntry, logAccess } from './access-log.js';
import { type Allowed, type Authorizer, authorize, jsonRefusal } from './authorize.js';
import { type ForwardAuthEndpoint, handleForwardAuth, isForwardAuthTarget } from './forward-auth.js';
import {
  type HeaderPolicy,
  type ScannedHeaders,
  addForwardingHeaders,
  addIdentityHeaders,
  scanRequestHeaders,
  unmappedAddress,
} from './headers.js';
import { type ProxyTrust, callerAddress, isLoopbackAddress, plainHttpProblem } from './net.js';
import { rateLimitHeaders } from './rate-limit.js';
import { BAD_GATEWAY, GATEWAY_TIMEOUT, SERVER_ERROR, sendRefusal } from './responses.js';
import { upstreamPathFor } from './routes.js';
import { type UpstreamPools, forwardRequest } from './upstream.js';

export interface GatewayRuntime extends Authorizer {
  policy: HeaderPolicy;
  pools: UpstreamPools;
  isTrustedProxy: ProxyTrust;
  /** The forward-auth endpoint and the proxy that asks there, when enabled. */
  forwardAuth: ForwardAuthEndpoint | undefined;
}

export function isEncrypted(req: IncomingMessage): boolean {
  return (req.socket as TLSSocket).encrypted === true;
}

export interface Peer {
  /** IPv4-mapped IPv6 unmapped. */
  address: string | undefined;
  loopback: boolean;
  trusted: boolean;
}

/** What the connection's far end is: worked out once per connection, not once per request. */
const peers = new WeakMap<Socket, Peer>();

export function peerOf(runtime: GatewayRuntime, socket: Socket): Peer {
  let peer = peers.get(socket);
  if (peer === undefined) {
    const address = unmappedAddress(socket.remoteAddress);
    peer = { address, loopback: isLoopbackAddress(address), trusted: runtime.isTrustedProxy(address) };
    peers.set(socket, peer);
  }
  return peer;
}

/** Why a plain-HTTP request from elsewhere than loopback or a trusted proxy is refused; undefined if it is not. */
export function refuseInsecure(runtime: GatewayRuntime, req: IncomingMessage, peer: Peer): string | undefined {
  if (isEncrypted(req) || (peer.loopback && !peer.trusted)) return undefined;
  const facts = { encrypted: false, peerAddress: peer.address, forwardedProto: req.headers['x-forwarded-proto'] };
  return plainHttpProblem(facts, runtime.isTrustedProxy);
}

export function createRequestHandler(runtime: GatewayRuntime) {
  return (req: IncomingMessage, res: ServerResponse, expectsContinue = false): void => {
    handleRequest(runtime, req, res, expectsContinue).catch((error: unknown) => {
      runtime.logger.error({ err: error }, 'request handling failed');
      sendRefusal(res, SERVER_ERROR);
    });
  };
}

async function handleRequest(
  runtime: GatewayRuntime,
  req: IncomingMessage,
  res: ServerResponse,
  expectsContinue: boolean,
): Promise<void> {
  const startedAt = performance.now();
  const method = req.method ?? 'GET';
  const target = req.url ?? '';
  const peer = peerOf(runtime, req.socket);
  const insecure = refuseInsecure(runtime, req, peer);
  if (insecure !== undefined) {
    sendRefusal(res, jsonRefusal(403, 'invalid_request', insecure));
    const entry = { method, route: undefined, path: undefined, rawTarget: target, token: undefined };
    logAccess(runtime.logger, { ...entry, status: 403, startedAt });
    return;
  }
  const { forwardAuth } = runtime;
  if (forwardAuth !== undefined && isForwardAuthTarget(target, forwardAuth.path)) {
    await handleForwardAuth(runtime, forwardAuth, req, res, startedAt);
    return;
  }

  const scanned = scanRequestHeaders(req.rawHeaders, runtime.policy, peer.trusted);
  const remoteAddress = callerAddress(peer.address, peer.trusted, scanned.forwardedFor);
  const decision = await authorize(runtime, { method, target, authorization: scanned.authorization, remoteAddress });
  const entry = {
    method,
    rawTarget: target,
    startedAt,
    route: decision.route,
    path: decision.path,
    token: decision.token,
  };
  if (!decision.allowed) {
    sendRefusal(res, decision.refusal);
    logAccess(runtime.logger, { ...entry, status: decision.refusal.status });
    return;
  }

  await forwardAllowed(runtime, req, res, { decision, scanned, peer, expectsContinue, entry });
}

interface Forwarding {
  decision: Allowed;
  scanned: ScannedHeaders;
  peer: Peer;
  expectsContinue: boolean;
  entry: Omit<AccessLogEntry, 'status'>;
}

/** The authorized part: identity and forwarding headers, 100-continue, the upstream call, the access log. */
async function forwardAllowed(
  runtime: GatewayRuntime,
  req: IncomingMessage,
  res: ServerResponse,
  { decision, scanned, peer, expectsContinue, entry }: Forwarding,
): Promise<void> {
  addForwardingHeaders(scanned, { clientAddress: peer.address, encrypted: isEncrypted(req) });
  if (decision.token !== undefined) addIdentityHeaders(scanned.forward, runtime.policy, decision.token);
  // RFC 9110 10.1.1: the client waits for 100 before sending its body; only an authorized request gets it.
  if (expectsContinue) res.writeContinue();

  const { route } = decision;
  const outcome = await forwardRequest(runtime.pools.get(route.upstream.origin), req, res, {
    path: upstreamPathFor(route, decision.path, decision.query),
    headers: scanned.forward,
    hasBody: scanned.hasBody,
    responseHeaders: decision.rateLimit === undefined ? undefined : rateLimitHeaders(decision.rateLimit),
  });
  if (outcome.kind === 'bad_gateway' || outcome.kind === 'timeout') {
    // The client may still be sending a body nobody will read: close the connection after answering.
    const close = req.complete ? undefined : { Connection: 'close' };
    sendRefusal(res, outcome.kind === 'timeout' ? GATEWAY_TIMEOUT : BAD_GATEWAY, close);
    logAccess(runtime.logger, { ...entry, status: res.statusCode, upstreamError: outcome.code });
    return;
  }
  // 499, as nginx logs it: the client closed the connection before the response was complete.
  logAccess(runtime.logger, { ...entry, status: outcome.kind === 'client_gone' ? 499 : res.statusCode });
}
