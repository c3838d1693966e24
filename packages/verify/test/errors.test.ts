import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type TokenErrorCode, TokenValidationError } from '@tollgate/jwt';
import { BearerError } from '../src/index.js';

/** RFC 9110 quoted-string values and RFC 6750 3 attribute charsets, as one regular expression per challenge. */
const CHALLENGE_SHAPE =
  /^Bearer realm="(?:[\x20\x21\x23-\x5B\x5D-\x7E]|\\["\\])*"(?:, [a-z_]+="[\x20\x21\x23-\x5B\x5D-\x7E]*")*$/;

function fromCode(code: TokenErrorCode): BearerError {
  return BearerError.fromValidation(new TokenValidationError(code, 'internal description'));
}

describe('BearerError.challenge (RFC 6750 3)', () => {
  it('renders the bare challenge for a request without a token', () => {
    assert.equal(BearerError.missing().challenge('api'), 'Bearer realm="api"');
    assert.equal(BearerError.missing().body(), null);
  });

  it('renders invalid_token with its description', () => {
    assert.equal(
      fromCode('ERR_TOKEN_EXPIRED').challenge('example'),
      'Bearer realm="example", error="invalid_token", error_description="The access token expired"',
    );
  });

  it('renders insufficient_scope with the scope attribute', () => {
    const error = BearerError.insufficientScope(['read:data', 'write:data'], 'all');
    assert.equal(
      error.challenge('api'),
      'Bearer realm="api", error="insufficient_scope", error_description="The access token lacks a scope this resource requires", scope="read:data write:data"',
    );
    assert.equal(error.status, 403);
    assert.deepEqual(error.body(), {
      error: 'insufficient_scope',
      error_description: 'The access token lacks a scope this resource requires',
      scope: 'read:data write:data',
    });
  });

  it('escapes quotes and backslashes in the realm as quoted-pairs', () => {
    assert.equal(BearerError.missing().challenge('a "quoted" \\ realm'), 'Bearer realm="a \\"quoted\\" \\\\ realm"');
  });

  it('never lets a control or non-ASCII character into the header', () => {
    const challenge = BearerError.missing().challenge('line\r\nSet-Cookie: x=1\u0000é');
    assert.match(challenge, CHALLENGE_SHAPE);
    assert.ok(!/[\r\n\0]/.test(challenge));
  });

  it('drops characters RFC 6750 forbids in error_description and scope', () => {
    const error = new BearerError({
      status: 403,
      error: 'insufficient_scope',
      description: 'bad "quote" \\ and\nnewline',
      scope: 'a"b c\\d',
      code: 'ERR_SCOPE_INSUFFICIENT',
    });
    const challenge = error.challenge('api');
    assert.match(challenge, CHALLENGE_SHAPE);
    assert.equal(
      challenge,
      'Bearer realm="api", error="insufficient_scope", error_description="bad quote  andnewline", scope="ab cd"',
    );
  });

  it('renders invalid_request and temporarily_unavailable with their status', () => {
    const invalid = BearerError.invalidRequest('The Authorization header is malformed');
    assert.equal(invalid.status, 400);
    assert.equal(
      invalid.challenge('api'),
      'Bearer realm="api", error="invalid_request", error_description="The Authorization header is malformed"',
    );
    const unavailable = BearerError.unavailable(
      'Token revocations cannot be checked right now',
      'ERR_REVOCATIONS_STALE',
    );
    assert.equal(unavailable.status, 503);
    assert.equal(unavailable.body()?.error, 'temporarily_unavailable');
  });
});

describe('BearerError.fromValidation', () => {
  const expected: Record<TokenErrorCode, string> = {
    ERR_TOKEN_EXPIRED: 'The access token expired',
    ERR_TOKEN_MALFORMED: 'The access token is malformed',
    ERR_TOKEN_HEADER_NOT_ALLOWED: 'The access token is malformed',
    ERR_TOKEN_SIGNATURE_INVALID: 'The access token signature is invalid',
    ERR_TOKEN_UNKNOWN_KEY: 'The access token is signed with an unknown signing key',
    ERR_TOKEN_ALG_NOT_ALLOWED: 'The access token signature is invalid',
    ERR_TOKEN_AUDIENCE_INVALID: 'The access token is not for this API',
    ERR_TOKEN_ISSUER_INVALID: 'The access token was not issued by the expected issuer',
    ERR_TOKEN_TYPE_INVALID: 'The token is not an access token',
    ERR_TOKEN_CLAIM_INVALID: 'The access token has a missing or invalid claim',
    ERR_TOKEN_NOT_YET_VALID: 'The access token is not valid yet',
    ERR_TOKEN_LIFETIME_TOO_LONG: 'The access token is valid for longer than this API allows',
  };
  for (const [code, description] of Object.entries(expected) as [TokenErrorCode, string][]) {
    it(`maps ${code} to 401 invalid_token "${description}"`, () => {
      const error = fromCode(code);
      assert.equal(error.status, 401);
      assert.equal(error.error, 'invalid_token');
      assert.equal(error.description, description);
      assert.equal(error.code, code);
      assert.match(error.challenge('api'), CHALLENGE_SHAPE);
    });
  }

  it('describes a revoked token', () => {
    const error = BearerError.revoked();
    assert.equal(error.status, 401);
    assert.equal(error.description, 'The access token was revoked');
  });
});
