/**
 * The hot path for plain HTTP requests, as a pipeline of named steps: transport check → (forward-auth
 * endpoint?) → one pass over the headers → authorize (path, route, token, scopes, rate limit) → build the
 * upstream headers → answer `Expect: 100-continue` → stream to the upstream and back → access log.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AccessLogEntry } from './access-log.js';
import { type Allowed, type Decision, authorize, jsonRefusal, receivedRequestFacts } from './authorize.js';
import { handleForwardAuth, isForwardAuthTarget } from './forward-auth.js';
import { type ScannedHeaders, addForwardingHeaders, addIdentityHeaders, scanRequestHeaders } from './headers.js';
import { callerAddress } from '@tollgate/transport';
import { type Peer, isEncrypted, peerOf, refuseInsecure } from './net.js';
import { rateLimitHeaders } from './rate-limit.js';
import { BAD_GATEWAY, GATEWAY_TIMEOUT, SERVER_ERROR, sendRefusal } from './responses.js';
import { upstreamPathFor } from './routes.js';
import type { GatewayRuntime } from './runtime.js';
import { type ForwardOutcome, forwardRequest } from './upstream.js';

export function createRequestHandler(runtime: GatewayRuntime) {
  return (req: IncomingMessage, res: ServerResponse, expectsContinue = false): void => {
    try {
      handleRequest(runtime, req, res, expectsContinue);
    } catch (error) {
      handlingFailed(runtime, res, error);
    }
  };
}

function handlingFailed(runtime: GatewayRuntime, res: ServerResponse, error: unknown): void {
  runtime.logger.error({ err: error }, 'request handling failed');
  sendRefusal(res, SERVER_ERROR);
}

/**
 * Synchronous wherever nothing is waited for: a public route (and a refusal before the token) goes from the request
 * event to undici's dispatch in one turn, and the access line is written from the handler's outcome callback. In a
 * profile of the public route, the former async pipeline (handleRequest → authorize → forwardAllowed → a Promise
 * around the upstream exchange) spent about 7 µs per request in runMicrotasks and the async functions' own time.
 */
function handleRequest(runtime: GatewayRuntime, req: IncomingMessage, res: ServerResponse, expectsContinue: boolean) {
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
    handleForwardAuth(runtime, forwardAuth, req, res, startedAt).catch((error: unknown) =>
      handlingFailed(runtime, res, error),
    );
    return;
  }

  const scanned = scanRequestHeaders(req.rawHeaders, runtime.policy, peer.trusted);
  const remoteAddress = callerAddress(peer.address, peer.trusted, scanned.forwardedFor);
  const decision = authorize(runtime, receivedRequestFacts(req, scanned, remoteAddress));
  const request: Received = { req, res, method, target, startedAt, scanned, peer, expectsContinue };
  if (decision instanceof Promise) {
    decision
      .then((decided) => answer(runtime, request, decided))
      .catch((error: unknown) => handlingFailed(runtime, res, error));
  } else {
    answer(runtime, request, decision);
  }
}

/** What the handler learnt of a request before its decision. */
interface Received {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  target: string;
  startedAt: number;
  scanned: ScannedHeaders;
  peer: Peer;
  expectsContinue: boolean;
}

function answer(runtime: GatewayRuntime, request: Received, decision: Decision): void {
  if (!decision.allowed) {
    sendRefusal(request.res, decision.refusal);
    runtime.accessLog.write(accessEntry(request, decision, decision.refusal.status));
    return;
  }
  forwardAllowed(runtime, request, decision);
}

function accessEntry(request: Received, decision: Decision, status: number, upstreamError?: string): AccessLogEntry {
  const entry: AccessLogEntry = {
    method: request.method,
    rawTarget: request.target,
    startedAt: request.startedAt,
    route: decision.route,
    path: decision.path,
    token: decision.token,
    status,
  };
  if (upstreamError !== undefined) entry.upstreamError = upstreamError;
  return entry;
}

/** What the gateway adds to the upstream's answer: rate-limit headers, and a DPoP nonce (RFC 9449 8.2). */
function answerHeaders(decision: Allowed): Record<string, string> | undefined {
  const headers = decision.rateLimit === undefined ? undefined : rateLimitHeaders(decision.rateLimit);
  if (decision.dpopNonce === undefined) return headers;
  return { ...headers, 'DPoP-Nonce': decision.dpopNonce };
}

/** The authorized part: identity and forwarding headers, 100-continue, the upstream call, the access log. */
function forwardAllowed(runtime: GatewayRuntime, request: Received, decision: Allowed): void {
  const { req, res, scanned, peer } = request;
  addForwardingHeaders(scanned, { clientAddress: peer.address, encrypted: isEncrypted(req) });
  if (decision.token !== undefined) addIdentityHeaders(scanned.forward, runtime.policy, decision.token, decision.route);
  // RFC 9110 10.1.1: the client waits for 100 before sending its body; only an authorized request gets it.
  if (request.expectsContinue) res.writeContinue();

  const { route } = decision;
  const options = {
    path: upstreamPathFor(route, decision.path, decision.query),
    headers: scanned.forward,
    hasBody: scanned.hasBody,
    responseHeaders: answerHeaders(decision),
  };
  forwardRequest(runtime.pools.get(route.upstream.origin), req, res, options, (outcome) => {
    try {
      logOutcome(runtime, request, decision, outcome);
    } catch (error) {
      handlingFailed(runtime, res, error);
    }
  });
}

/** Answers a failed upstream exchange, and writes the access line of every exchange. */
function logOutcome(runtime: GatewayRuntime, request: Received, decision: Allowed, outcome: ForwardOutcome): void {
  const { req, res } = request;
  if (outcome.kind === 'bad_gateway' || outcome.kind === 'timeout') {
    // The client may still be sending a body nobody will read: close the connection after answering.
    const close = req.complete ? undefined : { Connection: 'close' };
    sendRefusal(res, outcome.kind === 'timeout' ? GATEWAY_TIMEOUT : BAD_GATEWAY, close);
    runtime.accessLog.write(accessEntry(request, decision, res.statusCode, outcome.code));
    return;
  }
  // 499, as nginx logs it: the client closed the connection before the response was complete.
  runtime.accessLog.write(accessEntry(request, decision, outcome.kind === 'client_gone' ? 499 : res.statusCode));
}
