import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import { requireScopes, tollgate } from '../src/adapters/express.js';
import type { Verifier } from '../src/index.js';
import { REALM, StandInIssuer, closeServer, describeAdapter, listen, rawGet } from './adapters-support.js';

function subjectHandler(req: express.Request, res: express.Response): void {
  res.json({ subject: req.auth?.subject });
}

describeAdapter('Express (route middleware)', async (verifier) => {
  const app = express();
  app.get('/data', tollgate(verifier, { scopes: 'read:data', realm: REALM }), subjectHandler);
  const { server, url } = await listen(app);
  return { url, close: () => closeServer(server) };
});

describeAdapter('Express (app-wide tollgate, per-route requireScopes)', async (verifier) => {
  const app = express();
  app.use(tollgate(verifier, { realm: REALM }));
  app.get('/data', requireScopes('read:data'), subjectHandler);
  const { server, url } = await listen(app);
  return { url, close: () => closeServer(server) };
});

describe('Express adapter', () => {
  const issuer = new StandInIssuer();
  let verifier: Verifier;
  before(async () => {
    await issuer.start();
    verifier = issuer.verifier();
  });
  after(async () => {
    await verifier.close();
    await issuer.stop();
  });

  it('accepts any one of several scopes in any mode', async () => {
    const app = express();
    app.get('/data', tollgate(verifier, { scopes: ['admin', 'read:data'], mode: 'any' }), subjectHandler);
    const { server, url } = await listen(app);
    try {
      const response = await rawGet(`${url}/data`, { authorization: `Bearer ${await issuer.token()}` });
      assert.equal(response.status, 200);
    } finally {
      await closeServer(server);
    }
  });

  it('hands a requireScopes() without tollgate() before it to the error handler, not to the route', async () => {
    const app = express();
    let reached = false;
    app.get('/data', requireScopes('read:data'), () => {
      reached = true;
    });
    app.use((_error: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      res.status(500).end('misconfigured');
    });
    const { server, url } = await listen(app);
    try {
      const response = await rawGet(`${url}/data`, { authorization: `Bearer ${await issuer.token()}` });
      assert.equal(response.status, 500);
      assert.equal(reached, false);
    } finally {
      await closeServer(server);
    }
  });

  it('refuses malformed options when the middleware is created, not on the first request', () => {
    assert.throws(() => tollgate(verifier, { scopes: '' }), TypeError);
    assert.throws(() => tollgate(verifier, { scopes: ['bad"scope'] }), TypeError);
    assert.throws(() => requireScopes('read', { mode: 'some' as 'any' }), TypeError);
    assert.throws(() => tollgate(verifier, { realm: 'tab\there' }), TypeError);
  });
});
