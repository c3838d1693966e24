/**
 * RFC 7662 token introspection, as the API-token path uses it: one client-authenticated POST per token the cache does
 * not know, and a strict reading of the answer. An answer we cannot read is a failure of the server, never a verdict
 * on the token: the caller turns it into 503, not into an acceptance.
 */
import { isJwkThumbprint } from '@tollgate/jwt';
import { fetchJsonObject, type HttpOptions } from './http.js';
import { QuotaAnswerError, readCreditsMember, readRateLimitMember } from './quota-members.js';
import type { TokenCredits, TokenRateLimit } from './types.js';

/** What an active answer must carry to become a VerifiedToken. */
export interface ActiveIntrospection {
  active: true;
  iss: string;
  sub: string;
  /** Every API (audience) the token may reach; RFC 7662 2.2 allows a single string too. */
  aud: readonly string[];
  /** Epoch seconds; undefined: the token never expires. */
  exp: number | undefined;
  iat: number;
  jti: string;
  client_id: string;
  /** Space-delimited (RFC 6749 3.3); '' when absent. */
  scope: string;
  username: string | undefined;
  /** A Tollgate API token's owner metadata (an extension member); {} when absent. */
  metadata: Readonly<Record<string, string | number | boolean>>;
  /** A Tollgate API token's external id (an extension member). */
  external_id: string | undefined;
  /** RFC 9449 6.2: the DPoP key a bound token must be used with. */
  cnf: { jkt: string } | undefined;
  /** A Tollgate API token's credits and own rate limit (extension members, quota-members.ts). */
  credits: TokenCredits | undefined;
  rate_limit: TokenRateLimit | undefined;
}

export type IntrospectionResult = ActiveIntrospection | { active: false };

/** The answer had `active: true` but not the members a Tollgate answer has. */
export class IntrospectionAnswerError extends Error {
  constructor(member: string) {
    super(`the introspection answer has no valid "${member}"`);
    this.name = 'IntrospectionAnswerError';
  }
}

export interface IntrospectOptions {
  http: HttpOptions;
  /** The `Authorization: Basic` value of the verifier's client (RFC 7662 2.1 requires authenticating the caller). */
  authorization: string;
}

/** POSTs `token` to the endpoint (RFC 7662 2.1, form-encoded) and reads the answer. Throws FetchError or IntrospectionAnswerError. */
export async function introspect(
  endpoint: string,
  token: string,
  options: IntrospectOptions,
): Promise<IntrospectionResult> {
  const body = await fetchJsonObject(endpoint, options.http, {
    method: 'POST',
    headers: {
      authorization: options.authorization,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ token }).toString(),
  });
  return readIntrospection(body);
}

function text(body: Record<string, unknown>, member: string): string {
  const value = body[member];
  if (typeof value !== 'string' || value === '') throw new IntrospectionAnswerError(member);
  return value;
}

function seconds(body: Record<string, unknown>, member: string): number | undefined {
  const value = body[member];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new IntrospectionAnswerError(member);
  return value;
}

function audiences(value: unknown): readonly string[] {
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || !list.every((item) => typeof item === 'string')) {
    throw new IntrospectionAnswerError('aud');
  }
  return Object.freeze([...list]);
}

/** A JSON object of string, number and boolean values, frozen; anything else is a broken answer. */
function metadataOf(value: unknown): Readonly<Record<string, string | number | boolean>> {
  if (value === undefined) return Object.freeze({});
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new IntrospectionAnswerError('metadata');
  const metadata: Record<string, string | number | boolean> = {};
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== 'string' && typeof item !== 'number' && typeof item !== 'boolean') {
      throw new IntrospectionAnswerError('metadata');
    }
    metadata[key] = item;
  }
  return Object.freeze(metadata);
}

/** RFC 9449 6.2 `cnf.jkt`; a `cnf` this verifier cannot check is a broken answer, never an unbound token. */
function confirmationOf(value: unknown): { jkt: string } | undefined {
  if (value === undefined) return undefined;
  const jkt = typeof value === 'object' && value !== null ? (value as { jkt?: unknown }).jkt : undefined;
  if (!isJwkThumbprint(jkt)) throw new IntrospectionAnswerError('cnf');
  return Object.freeze({ jkt });
}

/** RFC 7662 2.2: only `active` is required; anything but `true` means inactive. The rest is checked when active. */
export function readIntrospection(body: Record<string, unknown>): IntrospectionResult {
  if (body.active !== true) return { active: false };
  const scope = body.scope ?? '';
  if (typeof scope !== 'string') throw new IntrospectionAnswerError('scope');
  const username = body.username;
  const iat = seconds(body, 'iat');
  if (iat === undefined) throw new IntrospectionAnswerError('iat');
  return {
    active: true,
    iss: text(body, 'iss'),
    sub: text(body, 'sub'),
    aud: audiences(body.aud),
    exp: seconds(body, 'exp'),
    iat,
    jti: text(body, 'jti'),
    client_id: text(body, 'client_id'),
    scope,
    username: typeof username === 'string' ? username : undefined,
    metadata: metadataOf(body.metadata),
    external_id: typeof body.external_id === 'string' ? body.external_id : undefined,
    cnf: confirmationOf(body.cnf),
    ...quotasOf(body),
  };
}

function quotasOf(body: Record<string, unknown>): Pick<ActiveIntrospection, 'credits' | 'rate_limit'> {
  try {
    return { credits: readCreditsMember(body.credits), rate_limit: readRateLimitMember(body.rate_limit) };
  } catch (error) {
    if (error instanceof QuotaAnswerError) throw new IntrospectionAnswerError(error.message);
    throw error;
  }
}
