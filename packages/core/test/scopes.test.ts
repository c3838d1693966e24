import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidRequest, InvalidScope } from '../src/errors.js';
import { grantScopes } from '../src/grants/scopes.js';
import { isResourceIdentifier } from '../src/grants/audience.js';
import { parseScope } from '../src/scope.js';

describe('scope parsing (RFC 6749 3.3)', () => {
  it('splits on spaces, drops empties and duplicates, keeps order', () => {
    assert.deepEqual(parseScope(' read:data  write:data read:data '), ['read:data', 'write:data']);
  });

  it('refuses characters outside the scope-token grammar', () => {
    assert.throws(() => parseScope('read"data'), InvalidRequest);
    assert.throws(() => parseScope('read\\data'), InvalidRequest);
    assert.throws(() => parseScope('read\tdata'), InvalidRequest);
  });
});

describe('granted scope', () => {
  it('grants everything every party allows when nothing is requested', () => {
    assert.deepEqual(grantScopes(undefined, ['a', 'b', 'c'], ['b', 'c', 'd'], null), ['b', 'c']);
  });

  it('grants exactly what was requested when every party allows it', () => {
    assert.deepEqual(grantScopes('c', ['a', 'b', 'c'], ['b', 'c']), ['c']);
  });

  it('refuses with invalid_scope, naming the scope, when a request exceeds any allowance', () => {
    assert.throws(
      () => grantScopes('b admin', ['a', 'b', 'admin'], ['a', 'b']),
      (error: unknown) => error instanceof InvalidScope && error.description.endsWith('admin'),
    );
  });

  it('treats a null allowance as no limit', () => {
    assert.deepEqual(grantScopes('a', ['a'], null), ['a']);
  });
});

describe('resource identifiers (RFC 8707 2)', () => {
  it('accepts absolute URIs and refuses relative ones and fragments', () => {
    assert.equal(isResourceIdentifier('https://api.example.com/user'), true);
    assert.equal(isResourceIdentifier('urn:example:api'), true);
    assert.equal(isResourceIdentifier('/user'), false);
    assert.equal(isResourceIdentifier('https://api.example.com/#frag'), false);
    assert.equal(isResourceIdentifier(''), false);
  });

  it('gives the same verdict when asked again, once a thousand others have been accepted too', () => {
    const values = ['https://api.example.com/user', 'urn:example:api', '/user', 'https://a.example/#f', 'x y'];
    const first = values.map(isResourceIdentifier);
    for (let index = 0; index < 1_500; index++) assert.equal(isResourceIdentifier(`urn:example:${index}`), true);
    assert.deepEqual(values.map(isResourceIdentifier), first);
    assert.deepEqual(first, [true, true, false, false, false]);
  });
});
