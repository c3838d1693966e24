/**
 * HTTPS only (the rule is @tollgate/transport's judgeTransport, shared with the gateway), as a Fastify
 * `onRequest` hook: insecure requests are refused before their body is read; secure ones get HSTS.
 */
import type { TLSSocket } from 'node:tls';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { HSTS, type ProxyTrust, type TransportFacts, judgeTransport } from '@tollgate/transport';

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
