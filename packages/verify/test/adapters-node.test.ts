import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { protect } from '../src/adapters/node.js';
import type { Verifier } from '../src/index.js';
import { REALM, closeServer, describeAdapter, listen, rawGet } from './adapters-support.js';

describeAdapter('node:http', async (verifier) => {
  const { server, url } = await listen(
    protect(
      verifier,
      (_req, res, token) => {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ subject: token.subject }));
      },
      { scopes: 'read:data', realm: REALM },
    ),
  );
  return { url, close: () => closeServer(server) };
});

describe('node:http adapter on a verifier failure', () => {
  it('answers a generic 500 and reports the error, without running the handler', async () => {
    const broken = {
      authenticate: async () => {
        throw new Error('internal detail that must not reach the client');
      },
    } as unknown as Verifier;
    const reported: unknown[] = [];
    let handled = false;
    const { server, url } = await listen(
      protect(
        broken,
        () => {
          handled = true;
        },
        { onError: (error) => reported.push(error) },
      ),
    );
    try {
      const response = await rawGet(`${url}/data`, { authorization: 'Bearer abc' });
      assert.equal(response.status, 500);
      assert.equal(JSON.parse(response.body).error, 'server_error');
      assert.ok(!response.body.includes('internal detail'));
      assert.equal(reported.length, 1);
      assert.equal(handled, false);
    } finally {
      await closeServer(server);
    }
  });
});
