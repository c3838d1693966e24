import assert from 'node:assert/strict';
import type { RequestListener } from 'node:http';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { tollgate as expressTollgate } from '../src/adapters/express.js';
import { tollgate as fastifyTollgate } from '../src/adapters/fastify.js';
import { authenticateRequest } from '../src/adapters/fetch.js';
import { tollgate as honoTollgate } from '../src/adapters/hono.js';
import { protect } from '../src/adapters/node.js';
import { createVerifier, type Verifier } from '../src/index.js';
import { closeServer, listen, rawGet, serveFetch } from './adapters-support.js';
import { ApiTokenIssuer } from './api-token-issuer.js';
import { CLIENT } from './harness.js';
import { AUDIENCE } from './support.js';

type App = { url: string; close: () => Promise<void> };

async function serve(listener: RequestListener): Promise<App> {
  const { server, url } = await listen(listener);
  return { url, close: () => closeServer(server) };
}

/** Each adapter with the route `GET /data` (scope read:data), and the address it should report for a loopback caller. */
const ADAPTERS: Record<string, { start: (verifier: Verifier) => Promise<App>; address: string | undefined }> = {
  'node:http': {
    start: (verifier) => serve(protect(verifier, (_req, res) => res.end('ok'), { scopes: 'read:data' })),
    address: '127.0.0.1',
  },
  Express: {
    start: (verifier) => {
      const app = express();
      app.get('/data', expressTollgate(verifier, { scopes: 'read:data' }), (_req, res) => res.send('ok'));
      return serve(app);
    },
    address: '127.0.0.1',
  },
  Fastify: {
    start: async (verifier) => {
      const app = Fastify();
      app.get('/data', { preHandler: fastifyTollgate(verifier, { scopes: 'read:data' }) }, async () => 'ok');
      return { url: await app.listen({ host: '127.0.0.1', port: 0 }), close: () => app.close() };
    },
    address: '127.0.0.1',
  },
  'Hono on Node (env.incoming, as @hono/node-server passes it)': {
    start: (verifier) => {
      const app = new Hono();
      app.get('/data', honoTollgate(verifier, { scopes: 'read:data' }), (c) => c.text('ok'));
      return serve((req, res) => serveFetch((request) => app.fetch(request, { incoming: req }))(req, res));
    },
    address: '127.0.0.1',
  },
  'fetch (no peer address in a Request)': {
    start: (verifier) =>
      serve(
        serveFetch(async (request) => {
          const auth = await authenticateRequest(verifier, request, { scopes: 'read:data' });
          return auth instanceof Response ? auth : new Response('ok');
        }),
      ),
    address: undefined,
  },
};

let server: ApiTokenIssuer;
before(async () => {
  server = await ApiTokenIssuer.start();
});
after(() => server.stop());

describe('API tokens through the adapters', () => {
  for (const [name, adapter] of Object.entries(ADAPTERS)) {
    it(`${name}: accepts an API token, enforces its scopes, and reports the caller address`, async () => {
      const verifier = createVerifier({ issuer: server.issuer, audience: AUDIENCE, client: CLIENT });
      const app = await adapter.start(verifier);
      try {
        const nowSeconds = Math.floor(Date.now() / 1000);
        const reader = server.issue(nowSeconds, { scope: 'read:data' });
        const writer = server.issue(nowSeconds, { scope: 'write:data' });
        const allowed = await rawGet(`${app.url}/data`, { authorization: `Bearer ${reader.token}` });
        assert.equal(allowed.status, 200, allowed.body);
        const refused = await rawGet(`${app.url}/data`, { authorization: `Bearer ${writer.token}` });
        assert.equal(refused.status, 403, refused.body);
        await verifier.close();
        const [report] = server.reports.filter((entry) => entry.jti === reader.jti);
        assert.equal(report?.count, 1);
        assert.equal(report?.address, adapter.address);
      } finally {
        await verifier.close();
        await app.close();
      }
    });
  }
});
