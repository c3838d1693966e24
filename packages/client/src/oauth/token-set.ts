/** What a successful token response (RFC 6749 5.1) gives the client, checked, with its expiry made absolute. */
import { ClientError } from '../errors.js';

export type TokenType = 'Bearer' | 'DPoP';

export interface TokenSet {
  accessToken: string;
  /** `Bearer` (RFC 6750) or `DPoP` (RFC 9449 5): how the token goes out, and whether proofs go with it. */
  tokenType: TokenType;
  /** When the access token expires, in milliseconds since the epoch on the client's clock; absent if unknown. */
  expiresAtMs?: number | undefined;
  /** How long it was valid when issued, in seconds (`expires_in`), for the refresh margin. */
  lifetimeSeconds?: number | undefined;
  refreshToken?: string | undefined;
  scope?: string | undefined;
  idToken?: string | undefined;
}

function invalid(what: string): ClientError {
  return new ClientError('ERR_RESPONSE_INVALID', `The token response ${what}`);
}

function optionalString(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalid(`has a ${name} that is not a string`);
  return value;
}

/** RFC 6749 5.1 token_type is case-insensitive (7.1); anything but Bearer and DPoP this client cannot send. */
function tokenTypeOf(value: unknown): TokenType {
  const type = typeof value === 'string' ? value.toLowerCase() : undefined;
  if (type === 'bearer') return 'Bearer';
  if (type === 'dpop') return 'DPoP';
  throw invalid('has a token_type this client cannot use (Bearer or DPoP)');
}

export function tokenSetFrom(body: unknown, nowMs: number): TokenSet {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalid('is not a JSON object');
  const fields = body as Record<string, unknown>;
  const accessToken = optionalString(fields, 'access_token');
  if (accessToken === undefined || accessToken === '') throw invalid('has no access_token');
  const expiresIn = fields.expires_in;
  if (expiresIn !== undefined && (typeof expiresIn !== 'number' || !Number.isFinite(expiresIn) || expiresIn < 0)) {
    throw invalid('has an expires_in that is not a non-negative number');
  }
  return {
    accessToken,
    tokenType: tokenTypeOf(fields.token_type),
    expiresAtMs: expiresIn === undefined ? undefined : nowMs + expiresIn * 1000,
    lifetimeSeconds: expiresIn,
    refreshToken: optionalString(fields, 'refresh_token'),
    scope: optionalString(fields, 'scope'),
    idToken: optionalString(fields, 'id_token'),
  };
}

/**
 * True while the access token is good for more than the refresh margin. The margin is at most half the token's
 * lifetime, so a margin longer than a short-lived token does not make every request refresh.
 */
export function isFresh(tokens: TokenSet, nowMs: number, marginSeconds: number): boolean {
  if (tokens.expiresAtMs === undefined) return true;
  const lifetime = tokens.lifetimeSeconds ?? Number.POSITIVE_INFINITY;
  const marginMs = Math.min(marginSeconds, lifetime / 2) * 1000;
  return nowMs < tokens.expiresAtMs - marginMs;
}
