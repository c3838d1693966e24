/**
 * The hot path for plain HTTP requests, as a pipeline of named steps: transport check → (forward-auth
 * endpoint?) → one pass over the headers → authorize (path, route, token, scopes, rate limit) → build the
 * upstream headers → answer `Expect: 100-continue` → stream to the upstream and back → access log.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AccessLogEntry } from './access-log.js';
import { type Allowed, authorize, jsonRefusal, receivedRequestFacts } from './authorize.js';
import { handleForwardAuth, isForwardAuthTarget } from './forward-auth.js';
import { type ScannedHeaders, addForwardingHeaders, addIdentityHeaders, scanRequestHeaders } from './headers.js';
import { callerAddress } from '@tollgate/transport';
import { type Peer, isEncrypted, peerOf, refuseInsecure } from './net.js';
import { rateLimitHeaders } from './rate-limit.js';
import { BAD_GATEWAY, GATEWAY_TIMEOUT, SERVER_ERROR, sendRefusal } from './responses.js';
import { upstreamPathFor } from './routes.js';
import type { GatewayRuntime } from './runtime.js';
import { forwardRequest } from './upstream.js';

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
  const peer = peerOf(runtime.isTrustedProxy, req.socket);
  const insecure = refuseInsecure(runtime.isTrustedProxy, req, peer);
  if (insecure !== undefined) {
    sendRefusal(res, jsonRefusal(403, 'invalid_request', insecure));
    const entry = { method, route: undefined, path: undefined, rawTarget: target, token: undefined };
    runtime.accessLog.write({ ...entry, status: 403, startedAt });
    return;
  }
  const { forwardAuth } = runtime;
  if (forwardAuth !== undefined && isForwardAuthTarget(target, forwardAuth.path)) {
    await handleForwardAuth(runtime, forwardAuth, req, res, startedAt);
    return;
  }

  const scanned = scanRequestHeaders(req.rawHeaders, runtime.policy, peer.trusted);
  const remoteAddress = callerAddress(peer.address, peer.trusted, scanned.forwardedFor);
  const decision = await authorize(runtime, receivedRequestFacts(req, scanned, remoteAddress));
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
    runtime.accessLog.write({ ...entry, status: decision.refusal.status });
    return;
  }

  await forwardAllowed(runtime, req, res, { decision, scanned, peer, expectsContinue, entry });
}

/** What the gateway adds to the upstream's answer: rate-limit headers, and a DPoP nonce (RFC 9449 8.2). */
function answerHeaders(decision: Allowed): Record<string, string> | undefined {
  const headers = decision.rateLimit === undefined ? undefined : rateLimitHeaders(decision.rateLimit);
  if (decision.dpopNonce === undefined) return headers;
  return { ...headers, 'DPoP-Nonce': decision.dpopNonce };
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
  if (decision.token !== undefined) addIdentityHeaders(scanned.forward, runtime.policy, decision.token, decision.route);
  // RFC 9110 10.1.1: the client waits for 100 before sending its body; only an authorized request gets it.
  if (expectsContinue) res.writeContinue();

  const { route } = decision;
  const outcome = await forwardRequest(runtime.pools.get(route.upstream.origin), req, res, {
    path: upstreamPathFor(route, decision.path, decision.query),
    headers: scanned.forward,
    hasBody: scanned.hasBody,
    responseHeaders: answerHeaders(decision),
  });
  if (outcome.kind === 'bad_gateway' || outcome.kind === 'timeout') {
    // The client may still be sending a body nobody will read: close the connection after answering.
    const close = req.complete ? undefined : { Connection: 'close' };
    sendRefusal(res, outcome.kind === 'timeout' ? GATEWAY_TIMEOUT : BAD_GATEWAY, close);
    runtime.accessLog.write({ ...entry, status: res.statusCode, upstreamError: outcome.code });
    return;
  }
  // 499, as nginx logs it: the client closed the connection before the response was complete.
  runtime.accessLog.write({ ...entry, status: outcome.kind === 'client_gone' ? 499 : res.statusCode });
}
