/**
 * Addresses: what counts as loopback, and which peers are trusted proxies. The same rules as the server's
 * (packages/server/src/loopback.ts, http/transport-security.ts), kept here because the gateway shares
 * nothing with the server.
 */
import { BlockList, isIP } from 'node:net';

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** 127.0.0.0/8 and ::1 as sockets report them: IPv4-mapped (::ffff:127.0.0.1) is an IPv4 address. */
function unmapped(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped?.[1] ?? address;
}

export function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return false;
  const ip = unmapped(address);
  const family = isIP(ip);
  if (family === 0) return false;
  return LOOPBACK.check(ip, family === 6 ? 'ipv6' : 'ipv4');
}

/** A listen host or URL hostname only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return bare.toLowerCase() === 'localhost' || isLoopbackAddress(bare);
}

/** IPv6 literals go in brackets in a URL authority. */
export function hostForUrl(host: string): string {
  return isIP(host) === 6 ? `[${host}]` : host;
}

export type ProxyTrust = (address: string | undefined) => boolean;

/** The trust test for the configured proxy addresses and CIDR ranges; nobody is trusted without a list. */
export function trustedProxies(entries: readonly string[] | undefined): ProxyTrust {
  if (entries === undefined || entries.length === 0) return () => false;
  const list = new BlockList();
  for (const entry of entries) {
    const [address = '', prefix] = entry.split('/');
    const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(prefix), type);
  }
  return (address) => {
    if (address === undefined) return false;
    const ip = unmapped(address);
    return list.check(ip, isIP(ip) === 6 ? 'ipv6' : 'ipv4');
  };
}

/**
 * The caller's address as far as it can be trusted: the peer, or, behind a trusted proxy, the last X-Forwarded-For
 * entry (the address that proxy saw; earlier entries are whatever the client claimed). Reported with API-token uses,
 * never used for a decision.
 */
export function callerAddress(peerAddress: string | undefined, trusted: boolean, forwardedFor: string | undefined) {
  if (!trusted || forwardedFor === undefined) return peerAddress;
  const last = forwardedFor.split(',').at(-1)?.trim();
  return last === undefined || isIP(last) === 0 ? peerAddress : last;
}

export interface TransportFacts {
  encrypted: boolean;
  peerAddress: string | undefined;
  forwardedProto: string | string[] | undefined;
}

/**
 * HTTPS only, as the server enforces it: TLS is always fine; plain HTTP only from this machine, or from a
 * trusted proxy that says its client used HTTPS. Returns why a request is refused, or undefined.
 */
export function plainHttpProblem(facts: TransportFacts, isTrustedProxy: ProxyTrust): string | undefined {
  if (facts.encrypted) return undefined;
  if (isTrustedProxy(facts.peerAddress) && facts.forwardedProto !== undefined) {
    const hops = (Array.isArray(facts.forwardedProto) ? facts.forwardedProto.join(',') : facts.forwardedProto)
      .split(',')
      .map((value) => value.trim().toLowerCase());
    return hops.every((value) => value === 'https')
      ? undefined
      : 'HTTPS is required: the proxy forwarded a plain-HTTP request';
  }
  if (isLoopbackAddress(facts.peerAddress)) return undefined;
  return 'HTTPS is required: plain HTTP is accepted only from loopback addresses or trusted proxies';
}
