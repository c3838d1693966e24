// GET /data for tokens with read:data, on Fastify.
import Fastify from 'fastify';
import { tollgate } from '@tollgate/verify/fastify';
import { announce, closeOnSignal, port, verifier } from './verifier.mjs';

const app = Fastify();
app.decorateRequest('auth', null);
app.get('/data', { preHandler: tollgate(verifier, { scopes: 'read:data' }) }, async (request) => ({
  subject: request.auth.subject,
  scopes: request.auth.scopes,
  data: [1, 2, 3],
}));

await app.listen({ host: '127.0.0.1', port });
announce(app.server);
closeOnSignal(() => app.close());
