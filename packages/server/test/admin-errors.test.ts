import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  Conflict,
  Forbidden,
  InvalidScope,
  NotFound,
  ServiceUnavailable,
  TooManyAttempts,
  Unauthenticated,
} from '@tollgate/core';
import { CsrfFailed, renderAdminError } from '../src/http/admin-errors.js';

const LIMIT = 65_536;

describe('the admin API error envelope', () => {
  it('names each refusal in the admin vocabulary with its status', () => {
    const cases: Array<[unknown, number, string]> = [
      [new Unauthenticated('Invalid username or password'), 401, 'unauthenticated'],
      [new Forbidden('Only admins may do this'), 403, 'forbidden'],
      [new CsrfFailed('The X-CSRF-Token header is missing'), 403, 'csrf_failed'],
      [new NotFound('No such token'), 404, 'not_found'],
      [new Conflict('The name is taken'), 409, 'conflict'],
      [new InvalidScope('write is not allowed'), 400, 'invalid_request'],
    ];
    for (const [error, status, name] of cases) {
      const rendered = renderAdminError(error, LIMIT);
      assert.equal(rendered.status, status, name);
      assert.equal(rendered.body.error, name);
      assert.equal(rendered.body.error_description, (error as Error).message);
    }
  });

  it('challenges a 401 with the documented Cookie scheme, and nothing else', () => {
    const rendered = renderAdminError(new Unauthenticated('Sign in first'), LIMIT);
    assert.equal(
      rendered.headers['www-authenticate'],
      'Cookie realm="tollgate-admin", form-action="/api/v1/session", cookie-name="__Host-tollgate_session"',
    );
    assert.equal(renderAdminError(new Forbidden('Only admins'), LIMIT).headers['www-authenticate'], undefined);
  });

  it('answers too many attempts with 429 too_many_requests and Retry-After', () => {
    const rendered = renderAdminError(new TooManyAttempts(30), LIMIT);
    assert.equal(rendered.status, 429);
    assert.equal(rendered.body.error, 'too_many_requests');
    assert.equal(rendered.headers['retry-after'], '30');
  });

  it('keeps internal detail out of 5xx answers', () => {
    const crash = renderAdminError(new Error('SQLITE_CORRUPT at /var/lib/tollgate.db'), LIMIT);
    assert.deepEqual(crash, {
      status: 500,
      body: { error: 'server_error', error_description: 'The server failed to process the request' },
      headers: {},
    });
    const unavailable = renderAdminError(new ServiceUnavailable({ detail: 'connection refused' }), LIMIT);
    assert.equal(unavailable.status, 503);
    // The one 5xx a client can act on: it names the condition (as RFC 6749's endpoints do) and when to retry.
    assert.equal(unavailable.body.error, 'temporarily_unavailable');
    assert.equal(unavailable.headers['retry-after'], '2');
    assert.ok(!JSON.stringify(unavailable).includes('refused'));
  });

  it('translates a refused content type and an oversized body', () => {
    const media = Object.assign(new Error('x'), { code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE', statusCode: 415 });
    assert.deepEqual(renderAdminError(media, LIMIT).body, {
      error: 'invalid_request',
      error_description: 'Content-Type must be application/json',
    });
    const large = Object.assign(new Error('x'), { code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 });
    assert.equal(renderAdminError(large, LIMIT).status, 413);
  });
});
