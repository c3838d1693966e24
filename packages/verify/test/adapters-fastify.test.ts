import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Fastify from 'fastify';
import { requireScopes, tollgate } from '../src/adapters/fastify.js';
import type { Verifier } from '../src/index.js';
import { REALM, StandInIssuer, describeAdapter, rawGet } from './adapters-support.js';

describeAdapter('Fastify (route preHandler)', async (verifier) => {
  const app = Fastify();
  app.decorateRequest('auth', null);
  app.get('/data', { preHandler: tollgate(verifier, { scopes: 'read:data', realm: REALM }) }, async (request) => ({
    subject: request.auth?.subject,
  }));
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { url, close: () => app.close() };
});

describeAdapter('Fastify (onRequest hook, per-route requireScopes)', async (verifier) => {
  const app = Fastify();
  app.addHook('onRequest', tollgate(verifier, { realm: REALM }));
  app.get('/data', { preHandler: requireScopes('read:data') }, async (request) => ({ subject: request.auth?.subject }));
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { url, close: () => app.close() };
});

describe('Fastify adapter', () => {
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

  it('never runs the handler for a refused request', async () => {
    const app = Fastify();
    let reached = false;
    app.get('/data', { preHandler: tollgate(verifier, { scopes: 'admin' }) }, async () => {
      reached = true;
      return {};
    });
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const response = await rawGet(`${url}/data`, { authorization: `Bearer ${await issuer.token()}` });
      assert.equal(response.status, 403);
      assert.equal(reached, false);
    } finally {
      await app.close();
    }
  });
});
