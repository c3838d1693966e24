import { Hono } from 'hono';
import { tollgate } from '../src/adapters/hono.js';
import { REALM, closeServer, describeAdapter, listen, serveFetch } from './adapters-support.js';

describeAdapter('Hono', async (verifier) => {
  const app = new Hono();
  app.get('/data', tollgate(verifier, { scopes: 'read:data', realm: REALM }), (c) =>
    c.json({ subject: c.get('auth').subject }),
  );
  const { server, url } = await listen(serveFetch((request) => app.fetch(request)));
  return { url, close: () => closeServer(server) };
});
