/**
 * Forward-auth: the gateway as the authorization step of a proxy that already exists. The proxy asks
 * about a request it received; the gateway matches the route exactly as it would when proxying and
 * answers 200 with the identity headers, or the refusal (401/403 with the RFC 6750 challenge).
 *
 * The check request names the original request in headers that a client can send too (nginx's auth
 * subrequest, Traefik and Envoy all pass the client's headers along), so the gateway answers only peers
 * listed in `trustProxy`, and reads only what `forwardAuth.mode` says that proxy sets, never another
 * proxy's headers as a fallback:
 * - `traefik` (ForwardAuth): `X-Forwarded-Method` and `X-Forwarded-Uri`, which Traefik overwrites.
 * - `nginx` (`auth_request`): `X-Original-Method` and `X-Original-URI`, set in the auth location, which
 *   also clears the Traefik headers so no other reader of the subrequest can be misled by a client's own:
 *       location = /_tollgate/auth {
 *           internal;
 *           proxy_pass http://127.0.0.1:8000;          # the gateway
 *           proxy_pass_request_body off;
 *           proxy_set_header Content-Length "";
 *           proxy_set_header X-Original-Method $request_method;
 *           proxy_set_header X-Original-URI $request_uri;
 *           proxy_set_header X-Forwarded-Method "";    # a client's own: never passed on
 *           proxy_set_header X-Forwarded-Uri "";
 *       }
 *       location / {
 *           auth_request /_tollgate/auth;
 *           auth_request_set $tollgate_subject $upstream_http_x_tollgate_subject;
 *           auth_request_set $tollgate_client $upstream_http_x_tollgate_client;
 *           auth_request_set $tollgate_scopes $upstream_http_x_tollgate_scopes;
 *           proxy_set_header X-Tollgate-Subject $tollgate_subject;   # an empty value removes the header,
 *           proxy_set_header X-Tollgate-Client $tollgate_client;     # so a client's own is never passed on
 *           proxy_set_header X-Tollgate-Scopes $tollgate_scopes;
 *           proxy_pass http://api;
 *       }
 *   nginx copies WWW-Authenticate from a 401 answer to the client; a 403 goes out without the challenge.
 * - `envoy` (`ext_authz` HTTP service, `path_prefix: /_tollgate/auth`): the check request itself, with the
 *   original method and the original path after the prefix; headers are not read.
 *
 * A check whose request carries an identity header spelt with `_` (`X_Tollgate_Subject`) is denied: the
 * proxy replaces only the names the gateway answers with, and many servers read `_` as `-`.
 *
 * nginx passes on only 401 and 403 from an auth request (anything else becomes 500), so "no route",
 * "method not allowed", an unknown peer and a check that does not name the request are answered 403
 * here, and in nginx mode so is every other 4xx (a malformed path): the request is denied either way.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

import { type Refusal, authorize, jsonRefusal } from './authorize.js';
import type { ForwardAuthMode } from './config.js';
import { identityHeaderMap, underscoredIdentityHeader } from './headers.js';
import { callerAddress } from '@tollgate/transport';
import { type Peer, peerOf } from './net.js';
import type { ForwardAuthEndpoint, GatewayRuntime } from './runtime.js';
import { rateLimitHeaders } from './rate-limit.js';
import { sendRefusal } from './responses.js';

/** Compared on the raw target: the endpoint's own path is fixed, only what follows it is normalised. */
export function isForwardAuthTarget(target: string, authPath: string): boolean {
  if (!target.startsWith(authPath)) return false;
  const next = target.charAt(authPath.length);
  return next === '' || next === '/' || next === '?';
}

type OriginalRequest = { method: string; target: string } | { problem: string };

/** The headers that name the original request, per mode; Envoy names it in the check request's own path. */
const MODE_HEADERS = {
  nginx: { method: 'x-original-method', target: 'x-original-uri' },
  traefik: { method: 'x-forwarded-method', target: 'x-forwarded-uri' },
} as const;

/** The request a trusted proxy asks about, read the one way its mode says; anything else is a problem. */
export function originalRequest(req: IncomingMessage, endpoint: ForwardAuthEndpoint, peer: Peer): OriginalRequest {
  if (!peer.trusted) return { problem: 'forward-auth answers only the proxies listed in trustProxy' };
  if (endpoint.mode === 'envoy') {
    const rest = (req.url ?? '').slice(endpoint.path.length);
    if (rest.startsWith('/')) return { method: req.method ?? 'GET', target: rest };
    return { problem: `name the original request in the path after ${endpoint.path}` };
  }
  const names = MODE_HEADERS[endpoint.mode];
  const method = exactlyOne(req, names.method);
  const target = exactlyOne(req, names.target);
  if (method === undefined || target === undefined) {
    return { problem: `name the original request with exactly one ${names.method} and one ${names.target}` };
  }
  return { method, target };
}

/** Denied rather than answered: the proxy would pass such a header on beside the identity it sets (headers.ts). */
function underscoredIdentity(req: IncomingMessage, runtime: GatewayRuntime): { problem: string } | undefined {
  const name = underscoredIdentityHeader(req.rawHeaders, runtime.policy);
  return name === undefined ? undefined : { problem: `${name} is an identity header spelt with "_"` };
}

/** The original request's origin as the proxy names it (publicUrl, when configured, is used instead). */
function forwardedOrigin(req: IncomingMessage): string | undefined {
  const host = exactlyOne(req, 'x-forwarded-host') ?? exactlyOne(req, 'host');
  if (host === undefined) return undefined;
  return `${exactlyOne(req, 'x-forwarded-proto') ?? 'http'}://${host}`;
}

/** Several values are not picked from: which one the proxy set would be a guess. */
function exactlyOne(req: IncomingMessage, name: string): string | undefined {
  const values = req.headersDistinct[name];
  return values?.length === 1 ? values[0] : undefined;
}

export async function handleForwardAuth(
  runtime: GatewayRuntime,
  endpoint: ForwardAuthEndpoint,
  req: IncomingMessage,
  res: ServerResponse,
  startedAt: number,
): Promise<void> {
  const peer = peerOf(runtime.isTrustedProxy, req.socket);
  const original = underscoredIdentity(req, runtime) ?? originalRequest(req, endpoint, peer);
  const entry = { mode: 'forward_auth' as const, startedAt, rawTarget: req.url };
  if ('problem' in original) {
    sendRefusal(res, jsonRefusal(403, 'invalid_request', original.problem));
    runtime.accessLog.write({
      ...entry,
      method: req.method,
      route: undefined,
      path: undefined,
      token: undefined,
      status: 403,
    });
    return;
  }
  const authorization = req.headersDistinct.authorization ?? [];
  const dpop = req.headersDistinct.dpop ?? [];
  const forwardedFor = req.headersDistinct['x-forwarded-for']?.join(', ');
  const remoteAddress = callerAddress(peer.address, peer.trusted, forwardedFor);
  // The asking proxy is trusted (originalRequest checked): its X-Forwarded-Proto/Host name the original origin.
  const origin = () => forwardedOrigin(req);
  const decision = await authorize(runtime, { ...original, authorization, dpop, origin, remoteAddress });
  const logged = {
    ...entry,
    method: original.method,
    rawTarget: original.target,
    route: decision.route,
    path: decision.path,
    token: decision.token,
  };
  if (!decision.allowed) {
    const refusal = denyByDefault(decision.refusal, endpoint.mode);
    sendRefusal(res, refusal);
    runtime.accessLog.write({ ...logged, status: refusal.status });
    return;
  }
  const headers = {
    ...(decision.token === undefined ? {} : identityHeaderMap(runtime.policy, decision.token, decision.route)),
    ...(decision.rateLimit === undefined ? {} : rateLimitHeaders(decision.rateLimit)),
    'Cache-Control': 'no-store',
    'Content-Length': 0,
  };
  res.writeHead(200, headers);
  res.end();
  runtime.accessLog.write({ ...logged, status: 200 });
}

/**
 * No route or method is a denial everywhere. nginx also turns every other 4xx (a malformed path's 400, a 429) into a
 * 500 for the client, so in nginx mode those become 403 too; a 5xx stays one, since that is what it is.
 */
function denyByDefault(refusal: Refusal, mode: ForwardAuthMode): Refusal {
  const { status } = refusal;
  const passedOn = mode === 'nginx' ? status === 401 || status >= 500 : status !== 404 && status !== 405;
  if (passedOn || status === 403) return refusal;
  const { Allow: _allow, ...headers } = refusal.headers;
  return { ...refusal, status: 403, headers };
}
