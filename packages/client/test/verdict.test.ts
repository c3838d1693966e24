import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InsufficientScopeError, InvalidTokenError } from '../src/errors.js';
import type { TokenSet } from '../src/oauth/token-set.js';
import { type AttemptState, verdictOf } from '../src/resource/verdict.js';

const bearer: TokenSet = { accessToken: 't', tokenType: 'Bearer' };
const dpop: TokenSet = { accessToken: 't', tokenType: 'DPoP' };
const fresh = (tokens: TokenSet): AttemptState => ({ tokens, retriedWithNonce: false, renewed: false });
const headers = (values: Record<string, string>) => (name: string) => values[name];

describe('what an API answer means for the request', () => {
  it('renews once after invalid_token, then gives up with an InvalidTokenError', () => {
    const refused = headers({
      'www-authenticate': 'Bearer realm="api", error="invalid_token", error_description="expired"',
    });
    assert.deepEqual(verdictOf(401, refused, fresh(bearer)), { action: 'renew-and-retry' });
    const verdict = verdictOf(401, refused, { ...fresh(bearer), renewed: true });
    assert.equal(verdict.action, 'fail');
    assert.ok(verdict.action === 'fail' && verdict.error instanceof InvalidTokenError);
    assert.equal(verdict.action === 'fail' && verdict.error.errorDescription, 'expired');
  });

  it('fails at once on insufficient_scope, with the scopes the challenge named', () => {
    const verdict = verdictOf(
      403,
      headers({ 'www-authenticate': 'Bearer error="insufficient_scope", scope="write:data admin"' }),
      fresh(bearer),
    );
    assert.ok(verdict.action === 'fail' && verdict.error instanceof InsufficientScopeError);
    assert.deepEqual(verdict.action === 'fail' && (verdict.error as InsufficientScopeError).requiredScopes, [
      'write:data',
      'admin',
    ]);
  });

  it('retries once with a nonce the API sent along with use_dpop_nonce (RFC 9449 9)', () => {
    const askNonce = { 'www-authenticate': 'DPoP error="use_dpop_nonce", algs="ES256"', 'dpop-nonce': 'n' };
    assert.deepEqual(verdictOf(401, headers(askNonce), fresh(dpop)), { action: 'retry-with-nonce' });
    assert.deepEqual(verdictOf(401, headers(askNonce), { ...fresh(dpop), retriedWithNonce: true }), { action: 'done' });
    const withoutNonce = headers({ 'www-authenticate': 'DPoP error="use_dpop_nonce"' });
    assert.deepEqual(verdictOf(401, withoutNonce, fresh(dpop)), { action: 'done' });
  });

  it('prefers the challenge of the scheme it sent, and leaves other answers alone', () => {
    const both = headers({
      'www-authenticate': 'Bearer error="invalid_request", DPoP error="invalid_token"',
    });
    assert.deepEqual(verdictOf(401, both, fresh(dpop)), { action: 'renew-and-retry' });
    assert.deepEqual(verdictOf(401, both, fresh(bearer)), { action: 'done' });
    assert.deepEqual(verdictOf(401, headers({ 'www-authenticate': 'Bearer realm="api"' }), fresh(bearer)), {
      action: 'done',
    });
    assert.deepEqual(verdictOf(500, headers({}), fresh(bearer)), { action: 'done' });
    assert.deepEqual(verdictOf(403, headers({}), fresh(bearer)), { action: 'done' });
  });
});
