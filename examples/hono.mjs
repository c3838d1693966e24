// GET /data for tokens with read:data, on Hono. On Bun, Deno or a worker, export `app` instead of serving it here;
// on Node, @hono/node-server's serve() does what serve-fetch.mjs does.
import { Hono } from 'hono';
import { tollgate } from '@tollgate/verify/hono';
import { serveFetch } from './serve-fetch.mjs';
import { announce, closeOnSignal, port, verifier } from './verifier.mjs';

const app = new Hono();
app.get('/data', tollgate(verifier, { scopes: 'read:data' }), (c) => {
  const auth = c.get('auth');
  return c.json({ subject: auth.subject, scopes: auth.scopes, data: [1, 2, 3] });
});

const server = serveFetch(
  (request) => app.fetch(request),
  port,
  () => announce(server),
);
closeOnSignal(() => new Promise((resolve) => server.close(resolve)));
