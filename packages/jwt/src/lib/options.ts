import {
  type AccessTokenValidationOptions,
  MAX_ACCESS_TOKEN_LIFETIME_SECONDS,
  SIGNING_ALGORITHMS,
  type SigningAlgorithm,
} from '../types.js';
import { isSigningAlgorithm } from './algorithms.js';

const DEFAULT_TOLERANCE_SECONDS = 5;
const MAX_TOLERANCE_SECONDS = 300;

export interface NormalizedOptions {
  issuer: string;
  audiences: readonly string[];
  algorithms: readonly SigningAlgorithm[];
  toleranceSeconds: number;
  maxLifetimeSeconds: number;
  nowSeconds: number;
}

function nonEmptyStrings(value: unknown, name: string): readonly string[] {
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.length === 0 || !list.every((item) => typeof item === 'string' && item !== '')) {
    throw new TypeError(`options.${name} must be a non-empty string or a non-empty array of non-empty strings`);
  }
  return list;
}

function algorithmsOption(value: unknown): readonly SigningAlgorithm[] {
  if (value === undefined) return SIGNING_ALGORITHMS;
  if (!Array.isArray(value) || value.length === 0 || !value.every(isSigningAlgorithm)) {
    throw new TypeError(`options.algorithms must be a non-empty subset of ${SIGNING_ALGORITHMS.join(', ')}`);
  }
  return value;
}

function toleranceOption(value: unknown): number {
  if (value === undefined) return DEFAULT_TOLERANCE_SECONDS;
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new TypeError('options.clockToleranceSeconds must be a number of seconds');
  }
  return Math.min(Math.max(value, 0), MAX_TOLERANCE_SECONDS);
}

function maxLifetimeOption(value: unknown): number {
  if (value === undefined) return MAX_ACCESS_TOKEN_LIFETIME_SECONDS;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new TypeError('options.maxTokenLifetimeSeconds must be a positive integer number of seconds');
  }
  return value;
}

function nowSecondsOption(now: unknown): number {
  if (now === undefined) return Math.floor(Date.now() / 1000);
  const ms = typeof now === 'function' ? now() : undefined;
  if (typeof ms !== 'number' || !Number.isFinite(ms)) {
    throw new TypeError('options.now must be a function returning milliseconds since the epoch');
  }
  return Math.floor(ms / 1000);
}

/** Caller mistakes are TypeErrors, checked before the token is looked at, so they surface on the first call. */
export function normalizeOptions(options: AccessTokenValidationOptions): NormalizedOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
  const { issuer } = options;
  if (typeof issuer !== 'string' || issuer === '') throw new TypeError('options.issuer must be a non-empty string');
  return {
    issuer,
    audiences: nonEmptyStrings(options.audience, 'audience'),
    algorithms: algorithmsOption(options.algorithms),
    toleranceSeconds: toleranceOption(options.clockToleranceSeconds),
    maxLifetimeSeconds: maxLifetimeOption(options.maxTokenLifetimeSeconds),
    nowSeconds: nowSecondsOption(options.now),
  };
}
