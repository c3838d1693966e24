/**
 * /api/v1/session: sign in (sets the `__Host-` session cookie), who am I, sign out. Passwords are checked by the
 * core behind its brute-force guard; the cookie and the CSRF check are the transport's.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { TollgateEndpoints } from '../../tollgate-endpoints.js';
import { parseInput } from '../../http/admin-input.js';
import { registerAdminRoutes } from '../../http/admin-routes.js';
import { sessionIdOf, sessionOf } from '../../http/admin-session.js';
import { clearedSessionCookie, sessionCookie } from '../../http/session-cookie.js';
import { text } from './inputs.js';

export const signInBody = z.strictObject({ username: text(256), password: text(1024) });

export function registerSessionRoutes(app: FastifyInstance, tollgate: TollgateEndpoints): void {
  registerAdminRoutes(app, [
    {
      method: 'POST',
      url: '/session',
      access: 'sign-in',
      handler: async (request, reply) => {
        const { username, password } = parseInput(signInBody, request.body, 'body');
        const signedIn = await tollgate.sessions.signIn(username, password, request.ip);
        const maxAgeSeconds = signedIn.session.expiresAt - Math.floor(Date.now() / 1000);
        reply.header('set-cookie', sessionCookie(signedIn.sessionId, maxAgeSeconds));
        return signedIn.session;
      },
    },
    { method: 'GET', url: '/session', handler: async (request) => sessionOf(request).session },
    {
      method: 'DELETE',
      url: '/session',
      handler: async (request, reply) => {
        await tollgate.sessions.signOut(sessionIdOf(request), request.ip);
        reply.header('set-cookie', clearedSessionCookie()).code(204).send();
      },
    },
  ]);
}
