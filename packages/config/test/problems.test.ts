import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { Layers, describeProblem, fieldName, integer, validate } from '../src/index.js';

const schema = z.strictObject({
  port: integer(0, 65_535).default(8080),
  tls: z.strictObject({ certFile: z.string(), keyFile: z.string() }).optional(),
  routes: z
    .array(z.strictObject({ path: z.string().min(1), upstream: z.string({ error: 'must be a URL' }) }))
    .optional(),
  issuer: z.string().optional(),
});

const FILE = { document: 'gateway.yaml', lineOf: (path: readonly PropertyKey[]) => (path[0] === 'routes' ? 5 : 2) };

function problemsOf(layers: Layers, fallback?: { document: string }): string[] {
  const result = validate(schema, layers, fallback);
  assert.ok('problems' in result, 'the configuration was accepted');
  return result.problems;
}

describe('validate', () => {
  it('returns the config, defaults filled in and frozen', () => {
    const layers = new Layers();
    layers.setAll({ tls: { certFile: 'c', keyFile: 'k' } }, FILE);
    const result = validate(schema, layers);
    assert.ok('config' in result);
    assert.deepEqual(result.config, { port: 8080, tls: { certFile: 'c', keyFile: 'k' } });
    assert.ok(Object.isFrozen(result.config.tls));
  });

  it('names the file and line of a value from a file, and the variable or flag of one from there', () => {
    const layers = new Layers();
    layers.setAll({ routes: [{ path: '', upstream: 5, colour: 'blue' }] }, FILE);
    layers.set(['port'], '70000', { setting: 'TOLLGATE_PORT' });
    assert.deepEqual(problemsOf(layers).sort(), [
      'gateway.yaml:5: routes[0].colour: is not a known setting',
      'gateway.yaml:5: routes[0].path: must not be empty',
      'gateway.yaml:5: routes[0].upstream: must be a URL',
      'port (from TOLLGATE_PORT): must be at most 65535',
    ]);
  });

  it('says a setting left out is required, and words a wrong kind the schema leaves unworded', () => {
    const layers = new Layers();
    layers.set(['tls', 'certFile'], 'c', { setting: '--tls-cert' });
    layers.set(['issuer'], 5, { setting: 'TOLLGATE_ISSUER' });
    assert.deepEqual(problemsOf(layers).sort(), [
      'issuer (from TOLLGATE_ISSUER): must be a string',
      'tls.keyFile: is required',
    ]);
    assert.deepEqual(problemsOf(layers, { document: 'configuration' }).sort(), [
      'configuration: tls.keyFile: is required',
      'issuer (from TOLLGATE_ISSUER): must be a string',
    ]);
  });
  it('compiles no code to check a configuration, which is checked once: no JIT fast path per object schema', () => {
    // zod's JIT compiles one with `new Function` at an object schema's first parse, which pays only over many parses.
    const fresh = z.strictObject({
      port: integer(0, 65_535).default(8080),
      tls: z.strictObject({ certFile: z.string() }),
    });
    const layers = new Layers();
    layers.setAll({ tls: { certFile: 'c' } }, FILE);
    const realFunction = globalThis.Function;
    let compiled = 0;
    globalThis.Function = new Proxy(realFunction, {
      construct(target, args) {
        compiled++;
        return Reflect.construct(target, args);
      },
    });
    try {
      assert.ok('config' in validate(fresh, layers));
    } finally {
      globalThis.Function = realFunction;
    }
    assert.equal(compiled, 0);
  });
});

describe('describeProblem', () => {
  it('puts a document and its line first, and names a variable or flag after the field', () => {
    assert.equal(
      describeProblem(['tls', 'certFile'], 'must not be empty', FILE),
      'gateway.yaml:2: tls.certFile: must not be empty',
    );
    assert.equal(
      describeProblem(['port'], 'must be an integer', { document: 'configuration' }),
      'configuration: port: must be an integer',
    );
    assert.equal(
      describeProblem(['port'], 'must be an integer', { setting: '--port' }),
      'port (from --port): must be an integer',
    );
    assert.equal(describeProblem(['issuer'], 'is required', undefined), 'issuer: is required');
    assert.equal(
      describeProblem([], 'must contain a mapping of settings', { document: 'x.yaml' }),
      'x.yaml: must contain a mapping of settings',
    );
  });
});

describe('fieldName', () => {
  it('writes list items in brackets', () => {
    assert.equal(fieldName(['routes', 1, 'methods', 0]), 'routes[1].methods[0]');
    assert.equal(fieldName(['tls', 'certFile']), 'tls.certFile');
  });
});
