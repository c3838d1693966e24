import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { csrfTokenMatches } from '../src/index.js';

describe('csrfTokenMatches', () => {
  const token = 'q1X2Vt3sQ0cS7aJb8kE6r9m4nP5oL1iU2yT3wR4eQ5Z';

  it('accepts the exact token', () => {
    assert.equal(csrfTokenMatches(token, token), true);
  });

  it('refuses a token differing in one character', () => {
    assert.equal(csrfTokenMatches(token, `${token.slice(0, -1)}Y`), false);
  });

  it('refuses a shorter, longer or empty token without throwing', () => {
    assert.equal(csrfTokenMatches(token, token.slice(0, -1)), false);
    assert.equal(csrfTokenMatches(token, `${token}A`), false);
    assert.equal(csrfTokenMatches(token, ''), false);
  });

  it('refuses everything when no token is expected', () => {
    assert.equal(csrfTokenMatches('', ''), false);
  });
});
