/** Option-value parsers. A refused value becomes a one-line usage error (exit status 2). */
import type { GrantType, SigningAlgorithm } from '@tollgate/core';
import { parseDuration } from '@tollgate/server/values';
import { InvalidArgumentError } from 'commander';
import { loadData } from './context.js';
import { UsageError } from './usage.js';

const GRANT_TYPES: readonly GrantType[] = ['client_credentials', 'password', 'refresh_token', 'authorization_code'];

/** `--scopes "read:data write:data"`: space-separated, as the OAuth `scope` parameter (RFC 6749 3.3). */
export function parseScopes(value: string): string[] {
  const scopes = value.split(/\s+/).filter(Boolean);
  // A comma is legal inside a scope token, but "read,write" is nearly always two scopes written the wrong way.
  if (scopes.some((scope) => scope.includes(','))) {
    throw new InvalidArgumentError(
      `separate scopes with spaces, not commas: --scopes "${scopes.join(' ').replaceAll(',', ' ')}"`,
    );
  }
  return scopes;
}

/** A repeatable option that may also carry several space-separated values: `--scope a --scope "b c"`. */
export function collectWords(value: string, previous: readonly string[]): string[] {
  return [...previous, ...value.split(/\s+/).filter(Boolean)];
}

/**
 * `--expires 90d`, `--expires 12h`, `--expires never`: seconds from now, or 'never'. Not null: commander turns
 * a parser's null into an empty string.
 */
export function parseExpiry(value: string): number | 'never' {
  if (value.trim().toLowerCase() === 'never') return 'never';
  const seconds = parseDuration(value);
  if (seconds === undefined || seconds <= 0) {
    throw new InvalidArgumentError('use a duration such as 12h, 30d or 90d, or "never"');
  }
  return seconds;
}

/**
 * `--metadata '{"plan":"pro"}'`: a JSON object. Only the syntax is checked here; the server's rules (keys, value
 * types, size) are the core's, whose errors name the limit.
 */
export function parseMetadata(value: string): Record<string, string | number | boolean> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new InvalidArgumentError('use a JSON object such as \'{"plan":"pro"}\'');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InvalidArgumentError('use a JSON object such as \'{"plan":"pro"}\'');
  }
  return parsed as Record<string, string | number | boolean>;
}

/** `--apis https://a.example,https://b.example`. */
export function parseIdentifiers(value: string): string[] {
  const identifiers = value.split(/[\s,]+/).filter(Boolean);
  if (identifiers.length === 0) throw new InvalidArgumentError('name at least one API identifier');
  return identifiers;
}

/** `--grants "client_credentials refresh_token"` (commas work too). */
export function parseGrants(value: string): GrantType[] {
  const grants = value.split(/[\s,]+/).filter(Boolean);
  const unknown = grants.find((grant) => !GRANT_TYPES.includes(grant as GrantType));
  if (unknown !== undefined) throw new InvalidArgumentError(`"${unknown}" is not one of ${GRANT_TYPES.join(', ')}`);
  if (grants.length === 0) throw new InvalidArgumentError('name at least one grant type');
  return grants as GrantType[];
}

/** A repeatable option: `--redirect-uri https://a/cb --redirect-uri http://127.0.0.1/cb`. */
export function collectValues(value: string, previous: readonly string[] = []): string[] {
  return [...previous, value];
}

/** `--token-ttl 15m`, in seconds. */
export function parseTtl(value: string): number {
  const seconds = parseDuration(value);
  if (seconds === undefined) throw new InvalidArgumentError('use a duration such as 30s, 15m, 12h or 1d');
  return seconds;
}

/**
 * `--alg ES256`, checked when the command runs rather than while parsing: the list of algorithms comes with the
 * core, which only the commands that use it load. The message is the one Commander gives a refused value.
 */
export async function checkAlgorithm(value: string): Promise<SigningAlgorithm> {
  const { SIGNING_ALGORITHMS } = await loadData();
  const algorithm = SIGNING_ALGORITHMS.find((known) => known === value);
  if (algorithm === undefined) {
    throw new UsageError(
      `option '--alg <algorithm>' argument '${value}' is invalid. use one of ${SIGNING_ALGORITHMS.join(', ')}`,
    );
  }
  return algorithm;
}

/** `--port 8080`: validated by the config schema later, but a non-number is caught here with the flag's name. */
export function parsePort(value: string): string {
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65_535)
    throw new InvalidArgumentError('use a port number from 0 to 65535');
  return value;
}
