/**
 * Headers every answer of the server carries, set in `onRequest` so that errors, 404s, 405s, transport refusals and
 * the hijacked revocation stream have them too. The answers are JSON (or the dashboard, which sets its own stricter
 * policy over these):
 * - `X-Content-Type-Options: nosniff` keeps a browser from reading a JSON body that echoes input as HTML or script.
 * - `Content-Security-Policy: default-src 'none'; frame-ancestors 'none'` (CSP 3) forbids framing, so no page can
 *   overlay the admin API's answers for clickjacking, and lets a document opened from an API URL load nothing.
 * - `X-Frame-Options: DENY` (RFC 7034) says the same to browsers that predate frame-ancestors.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';

export const API_SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
});

export function applySecurityHeaders(_request: FastifyRequest, reply: FastifyReply, done: () => void): void {
  reply.headers(API_SECURITY_HEADERS);
  done();
}
