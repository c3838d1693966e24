/**
 * What crosses the gateway in headers. Requests: hop-by-hop headers (RFC 9110 7.6.1) and every header
 * named in `Connection` are dropped; identity headers (the configured names, any `X-Tollgate-*` and every header a
 * route fills from a token's metadata or external id, in any case and with `_` for `-`) are dropped so a client
 * cannot spoof them, then set from the verified token; `Authorization` goes only when `forwardToken` is on; `DPoP`
 * never (the gateway checked the proof, and an upstream has no use for a single-use proof of a request it does not
 * see as the client sent it); `Host` is replaced by the upstream's; X-Forwarded-*
 * are built from the connection (and extended, not replaced, only when the peer is a trusted proxy), and
 * their spellings with `_` are dropped.
 */
import type { OutgoingHttpHeaders } from 'node:http';
import type { VerifiedToken } from '@tollgate/verify';
import type { Route } from './routes.js';

/** RFC 9110 7.6.1 (and the de-facto Keep-Alive / Proxy-Connection), plus HTTP/2's upgrade settings. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'http2-settings',
]);

const BODY_FRAMING = new Set(['content-length', 'transfer-encoding']);

/** Rebuilt by the gateway; a client (unless it is a trusted proxy) must not choose their values. */
const FORWARDING = new Set(['x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'forwarded', 'x-real-ip']);

export interface IdentityHeaderNames {
  subject: string;
  client: string;
  scopes: string;
}

export interface HeaderPolicy {
  identity: IdentityHeaderNames;
  /** Identity names as identityKey() spells them, for stripping. */
  identityLower: ReadonlySet<string>;
  forwardToken: boolean;
}

/** `ownerHeaders`: the names routes fill from a token's metadata and external id (routes.ts ownerHeaderNames). */
export function headerPolicy(
  identity: IdentityHeaderNames,
  forwardToken: boolean,
  ownerHeaders: readonly string[] = [],
): HeaderPolicy {
  const identityLower = new Set([...Object.values(identity), ...ownerHeaders].map(identityKey));
  return { identity: { ...identity }, identityLower, forwardToken };
}

/**
 * A header name as servers behind the gateway may read it: CGI (RFC 3875 4.1.18), and after it WSGI, Rack and PHP,
 * turn `-` into `_` and ignore case, so `X_Tollgate_Subject` reaches the application as `X-Tollgate-Subject` does.
 */
export function identityKey(name: string): string {
  const lower = name.toLowerCase();
  return lower.includes('_') ? lower.replaceAll('_', '-') : lower;
}

export interface ScannedHeaders {
  /** Flat `[name, value, ...]` list of what may go upstream as it is. */
  forward: string[];
  /** Every Authorization value the client sent (more than one is refused). */
  authorization: string[];
  /** Every DPoP proof header the client sent (more than one is refused, RFC 9449 4.3). */
  dpop: string[];
  host: string | undefined;
  /** Incoming forwarding headers, kept only from trusted proxies. */
  forwardedFor: string | undefined;
  forwardedProto: string | undefined;
  forwardedHost: string | undefined;
  /** RFC 9112 6.3: a request has a body only when Content-Length (not 0) or Transfer-Encoding says so. */
  hasBody: boolean;
}

/** Whether a header (any case, `_` or `-`) names an identity header, the configured ones or any `X-Tollgate-*`. */
export function isIdentityHeader(name: string, policy: HeaderPolicy): boolean {
  const key = identityKey(name);
  return key.startsWith('x-tollgate-') || policy.identityLower.has(key);
}

/**
 * The first identity header spelt with `_` in a forward-auth check. The proxy, not the gateway, builds the upstream
 * request then, and it replaces only the names the gateway answers with, so such a header would pass beside them.
 */
export function underscoredIdentityHeader(rawHeaders: readonly string[], policy: HeaderPolicy): string | undefined {
  for (let index = 0; index + 1 < rawHeaders.length; index += 2) {
    const name = rawHeaders[index] as string;
    if (name.includes('_') && isIdentityHeader(name, policy)) return name;
  }
  return undefined;
}

/** One pass over `rawHeaders` (names in their original case, duplicates kept, as Node gives them). */
export function scanRequestHeaders(rawHeaders: readonly string[], policy: HeaderPolicy, trustedPeer: boolean) {
  const connectionNamed = namedInConnection(rawHeaders);
  const scanned: ScannedHeaders = {
    forward: [],
    authorization: [],
    dpop: [],
    host: undefined,
    forwardedFor: undefined,
    forwardedProto: undefined,
    forwardedHost: undefined,
    hasBody: false,
  };
  for (let index = 0; index + 1 < rawHeaders.length; index += 2) {
    const name = rawHeaders[index] as string;
    const value = rawHeaders[index + 1] as string;
    const lower = name.toLowerCase();
    if (lower === 'authorization') {
      scanned.authorization.push(value);
      if (policy.forwardToken) scanned.forward.push(name, value);
    } else if (lower === 'dpop') {
      scanned.dpop.push(value);
    } else if (lower === 'host') {
      scanned.host ??= value;
    } else if (FORWARDING.has(lower)) {
      if (trustedPeer) recordForwarding(scanned, lower, value);
    } else if (BODY_FRAMING.has(lower)) {
      if (lower === 'transfer-encoding' || value.trim() !== '0') scanned.hasBody = true;
      // Content-Length goes on as it is; Transfer-Encoding is hop-by-hop and undici re-chunks the stream.
      if (lower === 'content-length') scanned.forward.push(name, value);
    } else if (
      // Expect is answered by the gateway itself, after authentication (see proxy.ts).
      !HOP_BY_HOP.has(lower) &&
      lower !== 'expect' &&
      !connectionNamed.has(lower) &&
      !isIdentityHeader(lower, policy) &&
      !isForwardingAlias(lower)
    ) {
      scanned.forward.push(name, value);
    }
  }
  return scanned;
}

/**
 * `X_Forwarded_For` and the like: servers that read `_` as `-` (see identityKey) would take it for the header the
 * gateway rebuilds, so a client could choose the address or scheme the upstream sees.
 */
function isForwardingAlias(lower: string): boolean {
  return lower.includes('_') && FORWARDING.has(identityKey(lower));
}

function recordForwarding(scanned: ScannedHeaders, lower: string, value: string): void {
  if (lower === 'x-forwarded-for') {
    scanned.forwardedFor = scanned.forwardedFor === undefined ? value : `${scanned.forwardedFor}, ${value}`;
  } else if (lower === 'x-forwarded-proto') {
    scanned.forwardedProto ??= value;
  } else if (lower === 'x-forwarded-host') {
    scanned.forwardedHost ??= value;
  }
}

const NONE: ReadonlySet<string> = new Set();

/** RFC 9110 7.6.1: the names listed in Connection are hop-by-hop for this message. */
function namedInConnection(rawHeaders: readonly string[]): ReadonlySet<string> {
  const values: string[] = [];
  for (let index = 0; index + 1 < rawHeaders.length; index += 2) {
    const name = rawHeaders[index] as string;
    if (name.length === 10 && name.toLowerCase() === 'connection') values.push(rawHeaders[index + 1] as string);
  }
  return values.length === 0 ? NONE : connectionOptions(values);
}

/** The header names that Connection values list (RFC 9110 7.6.1), lower-cased. */
function connectionOptions(values: readonly string[]): ReadonlySet<string> {
  let names: Set<string> | undefined;
  for (const value of values) {
    // As nearly every message says it: nothing to split.
    if (value === 'keep-alive' || value === 'close') continue;
    for (const token of value.split(',')) {
      const listed = token.trim().toLowerCase();
      // Most say just `keep-alive` or `close`, which name no header that could pass anyway.
      if (listed === '' || HOP_BY_HOP.has(listed) || listed === 'close') continue;
      names ??= new Set();
      names.add(listed);
    }
  }
  return names ?? NONE;
}

export interface ConnectionFacts {
  /** The peer's address, IPv4-mapped IPv6 already unmapped. */
  clientAddress: string | undefined;
  encrypted: boolean;
}

/**
 * The origin the client addressed, as far as the connection tells: the scheme of the connection and the Host header,
 * or a trusted proxy's X-Forwarded-Proto/Host (recorded only from trusted peers). Used for DPoP without publicUrl.
 */
export function requestOrigin(scanned: ScannedHeaders, encrypted: boolean): string | undefined {
  const host = scanned.forwardedHost ?? scanned.host;
  if (host === undefined) return undefined;
  return `${scanned.forwardedProto ?? (encrypted ? 'https' : 'http')}://${host}`;
}

/** Appends X-Forwarded-For/Proto/Host to `forward`. */
export function addForwardingHeaders(scanned: ScannedHeaders, connection: ConnectionFacts): void {
  const client = connection.clientAddress;
  const chain = scanned.forwardedFor;
  const forwardedFor = chain === undefined ? client : client === undefined ? chain : `${chain}, ${client}`;
  if (forwardedFor !== undefined) scanned.forward.push('X-Forwarded-For', forwardedFor);
  scanned.forward.push('X-Forwarded-Proto', scanned.forwardedProto ?? (connection.encrypted ? 'https' : 'http'));
  const host = scanned.forwardedHost ?? scanned.host;
  if (host !== undefined) scanned.forward.push('X-Forwarded-Host', host);
}

/** Appends the identity of a verified token under the configured names, and what the route forwards of its owner. */
export function addIdentityHeaders(forward: string[], policy: HeaderPolicy, token: VerifiedToken, route: Route): void {
  for (const [name, value] of identityPairs(policy, token, route)) forward.push(name, value);
}

/** The identity as a response header map (forward-auth answers with it). */
export function identityHeaderMap(policy: HeaderPolicy, token: VerifiedToken, route: Route): OutgoingHttpHeaders {
  return Object.fromEntries(identityPairs(policy, token, route));
}

function identityPairs(policy: HeaderPolicy, token: VerifiedToken, route: Route): [string, string][] {
  const pairs: [string, string][] = [
    [policy.identity.subject, headerSafe(token.subject)],
    [policy.identity.client, headerSafe(token.clientId)],
    [policy.identity.scopes, headerSafe(token.scopes.join(' '))],
  ];
  for (const [key, header] of route.forwardMetadata) {
    const value = token.metadata === undefined || !Object.hasOwn(token.metadata, key) ? undefined : token.metadata[key];
    if (value !== undefined) pairs.push([header, headerSafe(String(value))]);
  }
  if (route.forwardExternalId !== undefined && token.externalId !== undefined) {
    pairs.push([route.forwardExternalId, headerSafe(token.externalId)]);
  }
  return pairs;
}

/**
 * Claims are arbitrary JSON strings; a header value must be visible ASCII (RFC 9110 5.5). Anything else is
 * percent-encoded (UTF-8), so a subject can neither break the header block nor be silently altered.
 */
export function headerSafe(value: string): string {
  if (/^[\x20-\x7e]*$/.test(value) && !value.includes('%')) return value;
  return value.replace(/[^\x20-\x24\x26-\x7e]/gu, (char) =>
    [...Buffer.from(char, 'utf8')].map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
  );
}

/**
 * Upstream response headers, from a flat raw list `[name, value, ...]` (undici's Buffers, or strings) in the upstream's
 * order and spelling, minus hop-by-hop and Connection-named ones. Returned as latin1 strings (the bytes as they came) in
 * the same flat form, which ServerResponse.writeHead takes as it is. One pass: what a Connection header lists (rare:
 * most say only keep-alive or close) is taken out after it, since it may come after the headers it names.
 */
export function responseHeadersFrom(raw: readonly (Buffer | string)[]): string[] {
  const out: string[] = [];
  const connection: string[] = [];
  for (let index = 0; index + 1 < raw.length; index += 2) {
    const name = latin1(raw[index] as Buffer | string);
    const value = latin1(raw[index + 1] as Buffer | string);
    const lower = name.toLowerCase();
    if (!HOP_BY_HOP.has(lower)) out.push(name, value);
    else if (lower === 'connection') connection.push(value);
  }
  const named = connection.length === 0 ? NONE : connectionOptions(connection);
  return named.size === 0 ? out : withoutNames(out, named);
}

function latin1(item: Buffer | string): string {
  return typeof item === 'string' ? item : item.toString('latin1');
}

function withoutNames(list: readonly string[], lowerNames: ReadonlySet<string>): string[] {
  const kept: string[] = [];
  for (let index = 0; index + 1 < list.length; index += 2) {
    const name = list[index] as string;
    if (!lowerNames.has(name.toLowerCase())) kept.push(name, list[index + 1] as string);
  }
  return kept;
}
