/**
 * HTTPS only, the way Keycloak's `ssl-required=external` works: TLS is always fine; plain HTTP is
 * accepted only from this machine, or from a proxy we were told to trust that says the client used
 * HTTPS (`X-Forwarded-Proto: https`). Everything else is refused before its body is read.
 */
import { BlockList, isIP } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isLoopbackAddress } from '../loopback.js';

/** RFC 6797: one year, subdomains included. */
export const HSTS = 'max-age=31536000; includeSubDomains';

export interface TransportFacts {
  /** The connection itself is TLS. */
  encrypted: boolean;
  /** The address of the socket's peer (a proxy, when there is one). */
  peerAddress: string | undefined;
  /** The client's address as resolved through trusted proxies (Fastify's `request.ip`). */
  clientAddress: string | undefined;
  /** The raw X-Forwarded-Proto header. */
  forwardedProto: string | string[] | undefined;
}

export type TransportVerdict = { allowed: true; hsts: boolean } | { allowed: false; reason: string };

export type ProxyTrust = (address: string | undefined) => boolean;

/** Builds the trust test from the configured proxy addresses and CIDR ranges (the same list Fastify gets). */
export function trustedProxies(entries: readonly string[] | false): ProxyTrust {
  if (entries === false || entries.length === 0) return () => false;
  const list = new BlockList();
  for (const entry of entries) {
    const [address = '', prefix] = entry.split('/');
    const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(prefix), type);
  }
  return (address) => {
    if (address === undefined) return false;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
    if (mapped !== undefined && list.check(mapped, 'ipv4')) return true;
    return list.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4');
  };
}

/** Every hop the trusted proxy reports must have been HTTPS. */
function forwardedAsHttps(header: string | string[] | undefined): boolean {
  if (header === undefined) return false;
  const values = (Array.isArray(header) ? header.join(',') : header).split(',').map((v) => v.trim().toLowerCase());
  return values.length > 0 && values.every((value) => value === 'https');
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

export function transportFacts(request: FastifyRequest): TransportFacts {
  const socket = request.raw.socket as (TLSSocket & { encrypted?: boolean }) | undefined;
  return {
    encrypted: socket?.encrypted === true,
    peerAddress: socket?.remoteAddress,
    clientAddress: request.ip,
    forwardedProto: request.headers['x-forwarded-proto'],
  };
}

/** An `onRequest` hook: refuses insecure requests with 403, adds HSTS to secure ones. */
export function createTransportSecurityHook(isTrustedProxy: ProxyTrust) {
  return function enforceTransportSecurity(request: FastifyRequest, reply: FastifyReply, done: () => void): void {
    if (request.routeOptions.config?.anyTransport) {
      done();
      return;
    }
    const verdict = judgeTransport(transportFacts(request), isTrustedProxy);
    if (!verdict.allowed) {
      // Logged at debug only: the request-completed line already records the 403, and a flood must not amplify.
      request.log.debug({ remoteAddress: request.ip }, 'refused a plain-HTTP request');
      reply.code(403).send({ error: 'invalid_request', error_description: verdict.reason });
      return;
    }
    if (verdict.hsts) reply.header('strict-transport-security', HSTS);
    done();
  };
}
