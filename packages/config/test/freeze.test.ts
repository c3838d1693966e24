import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deepFreeze } from '../src/index.js';

describe('deepFreeze', () => {
  it('freezes every nested object and list and returns the same value', () => {
    const config = { listen: { tls: { certFile: 'c.pem' } }, routes: [{ path: '/a', methods: ['GET'] }] };
    assert.equal(deepFreeze(config), config);
    for (const part of [
      config,
      config.listen,
      config.listen.tls,
      config.routes,
      config.routes[0],
      config.routes[0]?.methods,
    ]) {
      assert.ok(Object.isFrozen(part));
    }
  });

  it('freezes a copy that reuses frozen parts, and leaves scalars as they are', () => {
    const shared = deepFreeze({ keyPrefix: 'tollgate:' });
    const copy = deepFreeze({ redis: shared, listen: { port: 8000 } });
    assert.ok(Object.isFrozen(copy.listen));
    assert.equal(copy.redis, shared);
    assert.equal(deepFreeze(5), 5);
    assert.equal(deepFreeze(null), null);
  });
});
