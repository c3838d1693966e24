import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BearerError, requireScopes, type VerifiedToken } from '../src/index.js';

function tokenWith(scope: string): VerifiedToken {
  return {
    claims: { iss: 'i', sub: 's', aud: 'a', exp: 2, iat: 1, jti: 'j', client_id: 'c', scope },
    subject: 's',
    clientId: 'c',
    scopes: scope.split(' ').filter(Boolean),
    kind: 'jwt',
  };
}

function insufficient(run: () => void): BearerError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof BearerError);
    assert.equal(error.status, 403);
    assert.equal(error.error, 'insufficient_scope');
    return error;
  }
  assert.fail('expected insufficient_scope');
}

describe('requireScopes', () => {
  const token = tokenWith('read:data write:data');

  it('passes when the token has the scope', () => {
    requireScopes(token, 'read:data');
    requireScopes(token, ['read:data', 'write:data']);
    requireScopes(token, 'read:data write:data', 'all');
  });

  it('refuses a missing scope with 403 insufficient_scope naming the required scope', () => {
    const error = insufficient(() => requireScopes(token, 'admin'));
    assert.equal(error.scope, 'admin');
    assert.match(error.challenge('api'), /, scope="admin"$/);
  });

  it('requires every scope in all-of mode and names all of them', () => {
    const error = insufficient(() => requireScopes(token, ['read:data', 'admin']));
    assert.equal(error.scope, 'read:data admin');
  });

  it('requires one scope in any-of mode', () => {
    requireScopes(token, ['admin', 'write:data'], 'any');
    const error = insufficient(() => requireScopes(token, ['admin', 'root'], 'any'));
    assert.equal(error.scope, 'admin root');
  });

  it('does not match a scope by prefix or case', () => {
    insufficient(() => requireScopes(token, 'read'));
    insufficient(() => requireScopes(token, 'READ:DATA'));
    insufficient(() => requireScopes(tokenWith(''), 'read:data'));
  });

  it('treats caller mistakes as TypeErrors', () => {
    assert.throws(() => requireScopes(token, []), TypeError);
    assert.throws(() => requireScopes(token, ''), TypeError);
    assert.throws(() => requireScopes(token, ['a"b']), TypeError);
    assert.throws(() => requireScopes(token, 'read:data', 'some' as 'all'), TypeError);
  });
});
