/**
 * The gateway's Prometheus series (docs/metrics.md), one set per process: with `--workers N` the primary sums the
 * workers' sets when scraped (metrics-listener.ts). Labels take values from small fixed sets only: the configured
 * route prefix (never the path asked for), the status, fixed words. No token, subject or client ever becomes one.
 */
import { Counter, Histogram, Registry } from 'prom-client';

/** Why the gateway refused a request that had a good token. `credits`: the credit budget (rate-limit.ts). */
export const REFUSAL_REASONS = ['rate_limit', 'credits'] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

/** RFC 6750 3.1 and RFC 9449 errors, plus `missing_token` for a bare challenge (no credentials sent). */
const AUTH_ERRORS = new Set([
  'missing_token',
  'invalid_request',
  'invalid_token',
  'insufficient_scope',
  'invalid_dpop_proof',
  'use_dpop_nonce',
]);
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
export const UNMATCHED_ROUTE = 'unmatched';
/** Seconds; the upstream's own time is inside. */
const LATENCY_BUCKETS_SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export const gatewayRegistry = new Registry();

const requests = new Counter({
  name: 'tollgate_gateway_requests_total',
  help: 'Requests answered, by configured route prefix, method, mode (proxy, websocket, forward_auth) and status',
  labelNames: ['route', 'method', 'mode', 'status'] as const,
  registers: [gatewayRegistry],
});
const duration = new Histogram({
  name: 'tollgate_gateway_request_duration_seconds',
  help: 'Time from receiving a request to answering it (upstream included), by route prefix and mode',
  labelNames: ['route', 'mode'] as const,
  buckets: LATENCY_BUCKETS_SECONDS,
  registers: [gatewayRegistry],
});
const upstreamErrors = new Counter({
  name: 'tollgate_gateway_upstream_errors_total',
  help: 'Requests the upstream failed: no connection or a bad answer (kind=bad_gateway), or too slow (kind=timeout)',
  labelNames: ['route', 'kind'] as const,
  registers: [gatewayRegistry],
});
const authRefusals = new Counter({
  name: 'tollgate_gateway_auth_refusals_total',
  help: 'Requests refused for their credentials (RFC 6750 / RFC 9449 error, missing_token without any)',
  labelNames: ['route', 'error'] as const,
  registers: [gatewayRegistry],
});
const refusals = new Counter({
  name: 'tollgate_gateway_refusals_total',
  help: 'Requests with a good token refused by a limit, by reason (rate_limit, credits)',
  labelNames: ['reason'] as const,
  registers: [gatewayRegistry],
});
for (const reason of REFUSAL_REASONS) refusals.inc({ reason }, 0);
const droppedLogLines = new Counter({
  name: 'tollgate_gateway_log_lines_dropped_total',
  help: 'Log lines (access log included) dropped because stdout did not keep up (log-stream.ts)',
  registers: [gatewayRegistry],
});

/**
 * Whether counts are kept. Each count costs prom-client a label check and a label hash per series: about 3 % of the
 * gateway's CPU per request on a public route, in the profile of a gateway that nobody could scrape. So a process
 * counts only once one of its gateways serves `metrics.listen` (itself, or through the primary of `--workers N`).
 */
let counting = false;

/** Called by a gateway started with `metrics.listen`; from then on this process counts. */
export function startCounting(): void {
  counting = true;
}

/** Counts log lines dropped for a slow stdout; rare, so counted whether or not metrics are served. */
export function countDroppedLogLines(count: number): void {
  droppedLogLines.inc(count);
}

/** Counts a request refused by a limit; call it where the refusal is decided. */
export function countRefusal(reason: RefusalReason): void {
  if (counting) refusals.inc({ reason });
}

/** Counts a refusal carrying an RFC 6750 challenge: `error` as in the challenge, undefined for a bare one. */
export function countAuthRefusal(route: string | undefined, error: string | undefined): void {
  if (!counting) return;
  const name = error ?? 'missing_token';
  authRefusals.inc({ route: route ?? UNMATCHED_ROUTE, error: AUTH_ERRORS.has(name) ? name : 'other' });
}

/** What the access log knows of an answered request (access-log.ts's entry), as far as metrics may use it. */
export interface AnsweredRequest {
  method: string | undefined;
  route: { prefix: string } | undefined;
  status: number;
  /** performance.now() when the request arrived. */
  startedAt: number;
  mode?: 'websocket' | 'forward_auth';
  upstreamError?: string;
}

/** Counts one answered request, from the entry the access log writes. */
export function countRequest(entry: AnsweredRequest): void {
  if (!counting) return;
  const route = entry.route?.prefix ?? UNMATCHED_ROUTE;
  const mode = entry.mode ?? 'proxy';
  const method = entry.method !== undefined && METHODS.has(entry.method) ? entry.method : 'other';
  requests.inc({ route, method, mode, status: String(entry.status) });
  duration.observe({ route, mode }, (performance.now() - entry.startedAt) / 1000);
  if (entry.upstreamError !== undefined) {
    upstreamErrors.inc({ route, kind: entry.status === 504 ? 'timeout' : 'bad_gateway' });
  }
}

/**
 * Counts what authorize() refused: a refusal with an RFC 6750 challenge as an auth refusal, a quota's 429 by its
 * extension code (@tollgate/verify/quota): a rate limit's (the route's or the token's own) as `rate_limit`, used-up
 * credits as `credits`.
 */
export function countAuthorizeRefusal(
  refusal: { headers: Record<string, string>; body: Record<string, string> | null },
  route: string | undefined,
): void {
  if (refusal.headers['WWW-Authenticate'] !== undefined) countAuthRefusal(route, refusal.body?.error);
  else if (refusal.body?.error === RATE_LIMITED_ERROR) countRefusal('rate_limit');
  else if (refusal.body?.error === CREDITS_EXHAUSTED_ERROR) countRefusal('credits');
}

/** The `error` of the quotas' 429 bodies (@tollgate/verify/quota). */
const RATE_LIMITED_ERROR = 'rate_limited';
const CREDITS_EXHAUSTED_ERROR = 'credits_exhausted';
