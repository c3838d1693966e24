/** createVerifier's options, checked once and eagerly: a caller mistake is a TypeError at start-up, not at request time. */
import { MAX_ACCESS_TOKEN_LIFETIME_SECONDS } from '@tollgate/jwt';
import { type NormalizedDpopOptions, normalizeDpopOptions } from './dpop.js';
import type { VerifierOptions } from './types.js';

const DEFAULT_TOLERANCE_SECONDS = 5;
const MAX_TOLERANCE_SECONDS = 60;
const DEFAULT_CACHE_SIZE = 10_000;
const DEFAULT_REFETCH_INTERVAL_MS = 10_000;
const DEFAULT_REFRESH_INTERVAL_MS = 300_000;
/** Anything faster than this would poll the issuer rather than refresh from it. */
const MIN_REFRESH_INTERVAL_MS = 1_000;
const DEFAULT_API_TOKEN_CACHE_TTL_MS = 30_000;
/** Longer would let a deleted owner or a changed scope live on for too long (revocations reach us regardless). */
const MAX_API_TOKEN_CACHE_TTL_MS = 300_000;
/** Metadata, JWKS, introspection and usage requests; the stream has its own timeouts. */
export const HTTP_TIMEOUT_MS = 5_000;

export interface NormalizedOptions {
  issuer: string;
  audiences: readonly string[];
  realm: string;
  clockToleranceSeconds: number;
  maxTokenLifetimeSeconds: number;
  client: { clientId: string; clientSecret: string } | undefined;
  failClosedAfterMs: number | undefined;
  allowQueryToken: boolean;
  cacheSize: number;
  apiTokenCacheTtlMs: number;
  jwksRefetchIntervalMs: number;
  jwksRefreshIntervalMs: number;
  fetch: typeof fetch;
  now: () => number;
  dpop: NormalizedDpopOptions;
}

function issuerOption(value: unknown): string {
  if (typeof value !== 'string' || !URL.canParse(value)) throw new TypeError('options.issuer must be an absolute URL');
  const url = new URL(value);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new TypeError('options.issuer must be an https (or http) URL');
  }
  // RFC 8414 2: an issuer has no query or fragment components.
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw new TypeError('options.issuer must not have a query, fragment or user info');
  }
  return value;
}

function audiencesOption(value: unknown): readonly string[] {
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.length === 0 || !list.every((item) => typeof item === 'string' && item !== '')) {
    throw new TypeError('options.audience must be a non-empty string or a non-empty array of non-empty strings');
  }
  return Object.freeze([...list]);
}

function realmOption(value: unknown, audiences: readonly string[]): string {
  if (value === undefined) return audiences[0] as string;
  // The realm goes into every WWW-Authenticate header: printable ASCII only.
  if (typeof value !== 'string' || value === '' || !/^[\x20-\x7E]+$/.test(value)) {
    throw new TypeError('options.realm must be a non-empty string of printable ASCII characters');
  }
  return value;
}

function clientOption(value: unknown): NormalizedOptions['client'] {
  if (value === undefined) return undefined;
  const client = value as Record<string, unknown> | null;
  if (typeof client !== 'object' || client === null) throw new TypeError('options.client must be an object');
  const { clientId, clientSecret } = client;
  if (typeof clientId !== 'string' || clientId === '') {
    throw new TypeError('options.client.clientId must be a non-empty string');
  }
  // The message never says anything about the secret's value.
  if (typeof clientSecret !== 'string' || clientSecret === '') {
    throw new TypeError('options.client.clientSecret must be a non-empty string');
  }
  return { clientId, clientSecret };
}

function numberOption(value: unknown, name: string, fallback: number, min: number, integer = false): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
    throw new TypeError(`options.${name} must be ${integer ? 'an integer' : 'a number'} >= ${min}`);
  }
  return value;
}

function functionOption<T>(value: unknown, name: string, fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'function') throw new TypeError(`options.${name} must be a function`);
  return value as T;
}

function failClosedOption(value: unknown, client: NormalizedOptions['client']): number | undefined {
  if (value === undefined) return undefined;
  const ms = numberOption(value, 'failClosedAfterMs', 0, 1);
  // Without credentials there is no stream, so every request would be refused: surely not what was meant.
  if (client === undefined)
    throw new TypeError('options.failClosedAfterMs needs options.client (the revocation stream)');
  return ms;
}

export function normalizeVerifierOptions(options: VerifierOptions): NormalizedOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
  const audiences = audiencesOption(options.audience);
  const client = clientOption(options.client);
  if (options.allowQueryToken !== undefined && typeof options.allowQueryToken !== 'boolean') {
    throw new TypeError('options.allowQueryToken must be a boolean');
  }
  const apiTokenCacheTtlMs = numberOption(
    options.apiTokenCacheTtlMs,
    'apiTokenCacheTtlMs',
    DEFAULT_API_TOKEN_CACHE_TTL_MS,
    Number.NEGATIVE_INFINITY,
  );
  const tolerance = numberOption(
    options.clockToleranceSeconds,
    'clockToleranceSeconds',
    DEFAULT_TOLERANCE_SECONDS,
    Number.NEGATIVE_INFINITY,
  );
  const now = functionOption(options.now, 'now', Date.now);
  return Object.freeze({
    issuer: issuerOption(options.issuer),
    audiences,
    realm: realmOption(options.realm, audiences),
    clockToleranceSeconds: Math.min(Math.max(tolerance, 0), MAX_TOLERANCE_SECONDS),
    maxTokenLifetimeSeconds: numberOption(
      options.maxTokenLifetimeSeconds,
      'maxTokenLifetimeSeconds',
      MAX_ACCESS_TOKEN_LIFETIME_SECONDS,
      1,
      true,
    ),
    client,
    failClosedAfterMs: failClosedOption(options.failClosedAfterMs, client),
    allowQueryToken: options.allowQueryToken === true,
    cacheSize: numberOption(options.cacheSize, 'cacheSize', DEFAULT_CACHE_SIZE, 0, true),
    apiTokenCacheTtlMs: Math.min(Math.max(apiTokenCacheTtlMs, 0), MAX_API_TOKEN_CACHE_TTL_MS),
    jwksRefetchIntervalMs: numberOption(
      options.jwksRefetchIntervalMs,
      'jwksRefetchIntervalMs',
      DEFAULT_REFETCH_INTERVAL_MS,
      0,
    ),
    jwksRefreshIntervalMs: numberOption(
      options.jwksRefreshIntervalMs,
      'jwksRefreshIntervalMs',
      DEFAULT_REFRESH_INTERVAL_MS,
      MIN_REFRESH_INTERVAL_MS,
    ),
    // Looked up per call, not captured: fetch is then always called as the global it is.
    fetch: functionOption<typeof fetch>(options.fetch, 'fetch', (input, init) => globalThis.fetch(input, init)),
    now,
    dpop: normalizeDpopOptions(options.dpop, now),
  });
}
