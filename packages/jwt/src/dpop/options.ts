/** Checks the caller's expectations once per call; caller mistakes are TypeErrors, never a refused proof. */
import { isSigningAlgorithm } from '../lib/algorithms.js';
import { SIGNING_ALGORITHMS, type SigningAlgorithm } from '../types.js';
import { normalizeHtu } from './htu.js';
import { accessTokenHash } from './jwk.js';
import { DEFAULT_DPOP_ALGORITHMS, type DpopProofExpectations } from './types.js';

const DEFAULT_MAX_AGE_SECONDS = 60;
const MAX_MAX_AGE_SECONDS = 600;
const DEFAULT_CLOCK_SKEW_SECONDS = 10;
const MAX_CLOCK_SKEW_SECONDS = 300;

/** RFC 9110 9.1 / 5.6.2: a method is a `token`. */
const METHOD = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export interface NormalizedExpectations {
  method: string;
  /** The request URL as normalizeHtu renders it. */
  htu: string;
  /** The `ath` the proof must carry, when an access token was given. */
  ath: string | undefined;
  jkt: string | undefined;
  nonce: ((nonce: string) => boolean) | undefined;
  algorithms: readonly SigningAlgorithm[];
  maxAgeSeconds: number;
  clockSkewSeconds: number;
  /** From the caller's clock, with its milliseconds: `iat` may be fractional (RFC 7519 2). */
  nowSeconds: number;
}

function algorithmsOption(value: unknown): readonly SigningAlgorithm[] {
  if (value === undefined) return DEFAULT_DPOP_ALGORITHMS;
  if (!Array.isArray(value) || value.length === 0 || !value.every(isSigningAlgorithm)) {
    throw new TypeError(`expectations.algorithms must be a non-empty subset of ${SIGNING_ALGORITHMS.join(', ')}`);
  }
  return value;
}

function secondsOption(value: unknown, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || Number.isNaN(value)) throw new TypeError(`expectations.${name} must be a number`);
  return Math.min(Math.max(value, min), max);
}

function optionalString(value: unknown, name: string): string | undefined {
  if (value !== undefined && (typeof value !== 'string' || value === '')) {
    throw new TypeError(`expectations.${name} must be a non-empty string when given`);
  }
  return value;
}

function requestParts(expectations: DpopProofExpectations): { method: string; htu: string } {
  const { method, url } = expectations;
  if (typeof method !== 'string' || !METHOD.test(method)) throw new TypeError('expectations.method must be a method');
  const htu = typeof url === 'string' ? normalizeHtu(url) : undefined;
  if (htu === undefined) throw new TypeError('expectations.url must be an absolute http(s) URL');
  return { method, htu };
}

function nowSeconds(clock: () => number): number {
  const ms = typeof clock === 'function' ? clock() : undefined;
  if (typeof ms !== 'number' || !Number.isFinite(ms)) {
    throw new TypeError('clock must be a function returning milliseconds since the epoch');
  }
  return ms / 1000;
}

export function normalizeExpectations(
  expectations: DpopProofExpectations,
  clock: () => number,
): NormalizedExpectations {
  if (typeof expectations !== 'object' || expectations === null) throw new TypeError('expectations must be an object');
  const { nonce } = expectations;
  if (nonce !== undefined && typeof nonce !== 'function') throw new TypeError('expectations.nonce must be a function');
  const accessToken = optionalString(expectations.accessToken, 'accessToken');
  return {
    ...requestParts(expectations),
    ath: accessToken === undefined ? undefined : accessTokenHash(accessToken),
    jkt: optionalString(expectations.jkt, 'jkt'),
    nonce,
    algorithms: algorithmsOption(expectations.algorithms),
    maxAgeSeconds: secondsOption(
      expectations.maxAgeSeconds,
      'maxAgeSeconds',
      DEFAULT_MAX_AGE_SECONDS,
      1,
      MAX_MAX_AGE_SECONDS,
    ),
    clockSkewSeconds: secondsOption(
      expectations.clockSkewSeconds,
      'clockSkewSeconds',
      DEFAULT_CLOCK_SKEW_SECONDS,
      0,
      MAX_CLOCK_SKEW_SECONDS,
    ),
    nowSeconds: nowSeconds(clock),
  };
}
