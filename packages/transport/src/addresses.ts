/**
 * Addresses as sockets and configuration give them: what counts as loopback, and which peers are the
 * trusted proxies. Sockets on a dual-stack listener report IPv4 peers as IPv4-mapped IPv6
 * (`::ffff:127.0.0.1`); every rule here reads those as the IPv4 address they carry.
 */
import { BlockList, isIP } from 'node:net';

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

const IPV4_MAPPED = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i;

/** `::ffff:a.b.c.d` -> `a.b.c.d`; anything else unchanged. */
export function unmappedAddress(address: string): string;
export function unmappedAddress(address: string | undefined): string | undefined;
export function unmappedAddress(address: string | undefined): string | undefined {
  if (address === undefined) return undefined;
  return IPV4_MAPPED.exec(address)?.[1] ?? address;
}

function familyOf(ip: string): 'ipv4' | 'ipv6' | undefined {
  const family = isIP(ip);
  return family === 4 ? 'ipv4' : family === 6 ? 'ipv6' : undefined;
}

/** The spellings a loopback peer's socket almost always reports, answered without parsing. */
const COMMON_LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/** 127.0.0.0/8 and ::1, mapped or not. */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return false;
  // Checked on every plain-HTTP request (https-only.ts): BlockList.check builds a SocketAddress each time.
  if (COMMON_LOOPBACK.has(address)) return true;
  const ip = unmappedAddress(address);
  const family = familyOf(ip);
  return family !== undefined && LOOPBACK.check(ip, family);
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

/** A configuration entry for `trustProxy`: an IP address, or a CIDR range with a prefix that fits its family. */
export function isAddressOrCidr(entry: string): boolean {
  const [address = '', prefix, extra] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

export type ProxyTrust = (address: string | undefined) => boolean;

/**
 * The trust test for the configured proxy addresses and CIDR ranges (checked with isAddressOrCidr first);
 * nobody is trusted without a list.
 */
export function trustedProxies(entries: readonly string[] | false | undefined): ProxyTrust {
  if (entries === undefined || entries === false || entries.length === 0) return () => false;
  const list = new BlockList();
  for (const entry of entries) {
    const [address = '', prefix] = entry.split('/');
    const family = familyOf(address) ?? 'ipv4';
    if (prefix === undefined) list.addAddress(address, family);
    else list.addSubnet(address, Number(prefix), family);
  }
  return (address) => {
    if (address === undefined) return false;
    const ip = unmappedAddress(address);
    const family = familyOf(ip);
    return family !== undefined && list.check(ip, family);
  };
}

/**
 * The caller's address as far as it can be trusted: the peer, or, behind a trusted proxy, the last
 * X-Forwarded-For entry (the address that proxy saw; earlier entries are whatever the client claimed).
 */
export function callerAddress(
  peerAddress: string | undefined,
  trusted: boolean,
  forwardedFor: string | undefined,
): string | undefined {
  if (!trusted || forwardedFor === undefined) return peerAddress;
  const last = forwardedFor.split(',').at(-1)?.trim();
  return last === undefined || isIP(last) === 0 ? peerAddress : last;
}
