/**
 * Forward-auth: the gateway as the authorization step of a proxy that already exists. The proxy asks
 * about a request it received; the gateway matches the route exactly as it would when proxying and
 * answers 200 with the identity headers, or the refusal (401/403 with the RFC 6750 challenge).
 *
 * Where the original request comes from, in this order:
 * - Traefik ForwardAuth: `X-Forwarded-Method` and `X-Forwarded-Uri`.
 * - nginx `auth_request`: `X-Original-Method` and `X-Original-URI`, set in the auth location:
 *       location = /_tollgate/auth {
 *           internal;
 *           proxy_pass http://127.0.0.1:8000;          # the gateway
 *           proxy_pass_request_body off;
 *           proxy_set_header Content-Length "";
 *           proxy_set_header X-Original-Method $request_method;
 *           proxy_set_header X-Original-URI $request_uri;
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
 * - Envoy `ext_authz` (HTTP service, `path_prefix: /_tollgate/auth`): the check request itself, with the
 *   original method and the original path after the prefix.
 *
 * nginx passes on only 401 and 403 from an auth request (anything else becomes 500), so "no route" and
 * "method not allowed" are answered 403 here: the request is denied either way.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { logAccess } from './access-log.js';
import { type Refusal, authorize, invalidRequest } from './authorize.js';
import { identityHeaderMap } from './headers.js';
import { callerAddress } from './net.js';
import { type GatewayRuntime, peerOf } from './proxy.js';
import { rateLimitHeaders } from './rate-limit.js';
import { sendRefusal } from './responses.js';

/** Compared on the raw target: the endpoint's own path is fixed, only what follows it is normalised. */
export function isForwardAuthTarget(target: string, authPath: string): boolean {
  if (!target.startsWith(authPath)) return false;
  const next = target.charAt(authPath.length);
  return next === '' || next === '/' || next === '?';
}

type OriginalRequest = { method: string; target: string } | { problem: string };

export function originalRequest(req: IncomingMessage, authPath: string): OriginalRequest {
  const traefikUri = single(req.headers['x-forwarded-uri']);
  if (traefikUri !== undefined) {
    return { method: single(req.headers['x-forwarded-method']) ?? req.method ?? 'GET', target: traefikUri };
  }
  const nginxUri = single(req.headers['x-original-uri']);
  if (nginxUri !== undefined) {
    return { method: single(req.headers['x-original-method']) ?? req.method ?? 'GET', target: nginxUri };
  }
  const rest = (req.url ?? '').slice(authPath.length);
  if (rest.startsWith('/')) return { method: req.method ?? 'GET', target: rest };
  return {
    problem:
      'name the original request with X-Forwarded-Method/-Uri, X-Original-Method/-URI, or a path after the endpoint',
  };
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export async function handleForwardAuth(
  runtime: GatewayRuntime,
  req: IncomingMessage,
  res: ServerResponse,
  startedAt: number,
): Promise<void> {
  const original = originalRequest(req, runtime.forwardAuthPath ?? '');
  const entry = { mode: 'forward_auth' as const, startedAt, rawTarget: req.url };
  if ('problem' in original) {
    sendRefusal(res, invalidRequest(original.problem));
    logAccess(runtime.logger, {
      ...entry,
      method: req.method,
      route: undefined,
      path: undefined,
      token: undefined,
      status: 400,
    });
    return;
  }
  const authorization = req.headersDistinct.authorization ?? [];
  const peer = peerOf(runtime, req.socket);
  const forwardedFor = req.headersDistinct['x-forwarded-for']?.join(', ');
  const remoteAddress = callerAddress(peer.address, peer.trusted, forwardedFor);
  const decision = await authorize(runtime, { ...original, authorization, remoteAddress });
  const logged = {
    ...entry,
    method: original.method,
    rawTarget: original.target,
    route: decision.route,
    path: decision.path,
    token: decision.token,
  };
  if (!decision.allowed) {
    const refusal = denyByDefault(decision.refusal);
    sendRefusal(res, refusal);
    logAccess(runtime.logger, { ...logged, status: refusal.status });
    return;
  }
  const headers = {
    ...(decision.token === undefined ? {} : identityHeaderMap(runtime.policy, decision.token)),
    ...(decision.rateLimit === undefined ? {} : rateLimitHeaders(decision.rateLimit)),
    'Cache-Control': 'no-store',
    'Content-Length': 0,
  };
  res.writeHead(200, headers);
  res.end();
  logAccess(runtime.logger, { ...logged, status: 200 });
}

function denyByDefault(refusal: Refusal): Refusal {
  if (refusal.status !== 404 && refusal.status !== 405) return refusal;
  const { Allow: _allow, ...headers } = refusal.headers;
  return { ...refusal, status: 403, headers };
}
