/**
 * HTTPS only, the way Keycloak's `ssl-required=external` works, for the server and the gateway alike: TLS is
 * always fine; plain HTTP is accepted only from this machine, or through a trusted proxy that either says its
 * client used HTTPS (`X-Forwarded-Proto: https` on every hop) or whose own client is on loopback.
 */
import { type ProxyTrust, isLoopbackAddress } from './addresses.js';

/** RFC 6797: one year, subdomains included. */
export const HSTS = 'max-age=31536000; includeSubDomains';

export interface TransportFacts {
  /** The connection itself is TLS. */
  encrypted: boolean;
  /** The address of the socket's peer (a proxy, when there is one). */
  peerAddress: string | undefined;
  /** The client's address as resolved through trusted proxies (see callerAddress); the peer's without one. */
  clientAddress: string | undefined;
  /** The raw X-Forwarded-Proto header. */
  forwardedProto: string | string[] | undefined;
}

/** `hsts`: the client reached us over HTTPS, so Strict-Transport-Security may be sent. */
export type TransportVerdict = { allowed: true; hsts: boolean } | { allowed: false; reason: string };

/** Every hop the trusted proxy reports must have been HTTPS. */
function forwardedAsHttps(header: string | string[] | undefined): boolean {
  if (header === undefined) return false;
  const values = (Array.isArray(header) ? header.join(',') : header).split(',').map((v) => v.trim().toLowerCase());
  return values.every((value) => value === 'https');
}

export function judgeTransport(facts: TransportFacts, isTrustedProxy: ProxyTrust): TransportVerdict {
  if (facts.encrypted) return { allowed: true, hsts: true };
  if (isTrustedProxy(facts.peerAddress)) {
    if (forwardedAsHttps(facts.forwardedProto)) return { allowed: true, hsts: true };
    // The proxy forwarded plain HTTP: acceptable only if its client is on this machine too.
    if (isLoopbackAddress(facts.clientAddress)) return { allowed: true, hsts: false };
    return { allowed: false, reason: 'HTTPS is required: the proxy forwarded a plain-HTTP request' };
  }
  if (isLoopbackAddress(facts.peerAddress)) return { allowed: true, hsts: false };
  return {
    allowed: false,
    reason: 'HTTPS is required: plain HTTP is accepted only from loopback addresses or trusted proxies',
  };
}
