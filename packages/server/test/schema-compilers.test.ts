import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Fastify from 'fastify';
import { NO_SCHEMA_COMPILERS } from '../src/http/schema-compilers.js';

function appWithoutCompilers() {
  return Fastify({ schemaController: { compilersFactory: NO_SCHEMA_COMPILERS } });
}

describe('Fastify without its JSON Schema compilers', () => {
  it('serves routes that declare no schema', async () => {
    const app = appWithoutCompilers();
    app.post('/echo', async (request) => ({ received: request.body }));
    const response = await app.inject({ method: 'POST', url: '/echo', payload: { a: 1 } });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), { received: { a: 1 } });
  });

  it('refuses a route that declares a body or response schema, instead of checking it with a stray compiler', async () => {
    for (const schema of [{ body: { type: 'object' } }, { response: { 200: { type: 'object' } } }]) {
      const app = appWithoutCompilers();
      app.post('/checked', { schema }, async () => ({}));
      await assert.rejects(async () => app.ready(), /route schemas are not used/);
    }
  });
});
