import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Conflict, InvalidClient, InvalidGrant, ServiceUnavailable, TooManyAttempts } from '@tollgate/core';
import { renderError } from '../src/http/errors.js';

const LIMIT = 65_536;

function fastifyError(code: string, statusCode: number): Error {
  return Object.assign(new Error(`internal text for ${code}`), { code, statusCode });
}

describe('error rendering (RFC 6749 5.2)', () => {
  it('renders a core error with its status, name and description', () => {
    const rendered = renderError(
      new InvalidGrant('The refresh token is invalid', { detail: 'family f1 revoked' }),
      LIMIT,
    );
    assert.equal(rendered.status, 400);
    assert.deepEqual(rendered.body, { error: 'invalid_grant', error_description: 'The refresh token is invalid' });
    assert.deepEqual(rendered.headers, {});
    assert.ok(!JSON.stringify(rendered).includes('family f1'));
  });

  it('adds a Basic challenge to every invalid_client (RFC 9110 15.5.2)', () => {
    const rendered = renderError(new InvalidClient('Client authentication failed'), LIMIT);
    assert.equal(rendered.status, 401);
    assert.equal(rendered.headers['www-authenticate'], 'Basic realm="tollgate"');
  });

  it('answers too many attempts with 429 and Retry-After', () => {
    const rendered = renderError(new TooManyAttempts(42), LIMIT);
    assert.equal(rendered.status, 429);
    assert.equal(rendered.headers['retry-after'], '42');
    assert.equal(rendered.body.error, 'invalid_request');
  });

  it('keeps admin errors in the OAuth vocabulary', () => {
    assert.equal(renderError(new Conflict('exists'), LIMIT).status, 409);
  });

  it('turns an unexpected error into a generic server_error', () => {
    const rendered = renderError(new Error('SQLITE_CORRUPT at /var/lib/tollgate.db'), LIMIT);
    assert.equal(rendered.status, 500);
    assert.deepEqual(rendered.body, {
      error: 'server_error',
      error_description: 'The server failed to process the request',
    });
    assert.equal(renderError('a thrown string', LIMIT).status, 500);
    assert.equal(
      renderError(Object.assign(new Error('x'), { code: 'SQLITE_BUSY', statusCode: 400 }), LIMIT).status,
      500,
    );
  });

  it('keeps the generic text for a store outage', () => {
    const rendered = renderError(new ServiceUnavailable({ detail: 'connection refused' }), LIMIT);
    assert.equal(rendered.status, 503);
    assert.equal(rendered.body.error, 'temporarily_unavailable');
  });

  it("translates Fastify's transport errors", () => {
    const tooLarge = renderError(fastifyError('FST_ERR_CTP_BODY_TOO_LARGE', 413), LIMIT);
    assert.equal(tooLarge.status, 413);
    assert.deepEqual(tooLarge.body, {
      error: 'invalid_request',
      error_description: 'The request body is larger than 65536 bytes',
    });
    const mediaType = renderError(fastifyError('FST_ERR_CTP_INVALID_MEDIA_TYPE', 415), LIMIT);
    assert.equal(mediaType.status, 400);
    assert.match(mediaType.body.error_description, /application\/x-www-form-urlencoded or application\/json/);
    const badUrl = renderError(fastifyError('FST_ERR_BAD_URL', 400), LIMIT);
    assert.equal(badUrl.status, 400);
    assert.ok(!JSON.stringify(badUrl).includes('internal text'));
    assert.equal(renderError(fastifyError('FST_ERR_REP_INVALID_PAYLOAD_TYPE', 500), LIMIT).status, 500);
  });
});
