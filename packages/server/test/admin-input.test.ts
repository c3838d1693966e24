import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidRequest } from '@tollgate/core';
import { parseInput } from '../src/http/admin-input.js';
import { daysQuery } from '../src/routes/admin/inputs.js';
import { tokenBody } from '../src/routes/admin/tokens.js';
import { userChangesBody } from '../src/routes/admin/users.js';

function problemWith(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof InvalidRequest, String(error));
    return error.description;
  }
  assert.fail('the input was accepted');
}

const token = { name: 'ci', apis: ['https://api.example.com'], scopes: ['read'] };

describe('admin API input descriptions', () => {
  it('accepts a valid body as it is', () => {
    assert.deepEqual(parseInput(tokenBody, token, 'body'), token);
  });

  it('names a missing field', () => {
    assert.equal(
      problemWith(() => parseInput(tokenBody, { apis: token.apis, scopes: [] }, 'body')),
      'name is required',
    );
  });

  it('names a field of the wrong type, down to the array entry', () => {
    assert.equal(
      problemWith(() => parseInput(tokenBody, { ...token, apis: [7] }, 'body')),
      'apis[0] must be a string',
    );
    assert.equal(
      problemWith(() => parseInput(tokenBody, { ...token, expiresInSeconds: 1.5 }, 'body')),
      'expiresInSeconds must be an integer',
    );
  });

  it('names unknown fields', () => {
    assert.equal(
      problemWith(() => parseInput(tokenBody, { ...token, admin: true }, 'body')),
      'Unknown field: admin',
    );
  });

  it('says an empty list or string must not be empty', () => {
    assert.equal(
      problemWith(() => parseInput(tokenBody, { ...token, apis: [] }, 'body')),
      'apis must not be empty',
    );
    assert.equal(
      problemWith(() => parseInput(tokenBody, { ...token, name: '' }, 'body')),
      'name must not be empty',
    );
  });

  it('asks for a JSON object when there is no body', () => {
    assert.equal(
      problemWith(() => parseInput(tokenBody, undefined, 'body')),
      'The body must be a JSON object',
    );
  });

  it('refuses a change request that changes nothing', () => {
    assert.equal(
      problemWith(() => parseInput(userChangesBody, {}, 'body')),
      'The body must name at least one of scopes, disabled, isAdmin',
    );
  });

  it('reads query integers with their bounds and default', () => {
    assert.deepEqual(parseInput(daysQuery, {}, 'query string'), { days: 30 });
    assert.deepEqual(parseInput(daysQuery, { days: '7' }, 'query string'), { days: 7 });
    assert.equal(
      problemWith(() => parseInput(daysQuery, { days: '400' }, 'query string')),
      'days must be at most 366',
    );
    assert.equal(
      problemWith(() => parseInput(daysQuery, { days: 'week' }, 'query string')),
      'days must be a whole number',
    );
    assert.equal(
      problemWith(() => parseInput(daysQuery, { days: ['1', '2'] }, 'query string')),
      'days must be given only once',
    );
  });
});
