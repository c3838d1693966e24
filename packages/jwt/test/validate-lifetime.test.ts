import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_ACCESS_TOKEN_LIFETIME_SECONDS } from '../src/index.js';
import { assertRefused, forge, NOW_SECONDS, validate, validClaims } from './support.js';

const DAY = 86_400;
const TEN_YEARS = 10 * 365 * DAY;

describe('validateAccessToken caps the lifetime a token claims (exp - iat)', () => {
  it('accepts exactly the default maximum, 24 h, and refuses one second more', async () => {
    assert.equal(MAX_ACCESS_TOKEN_LIFETIME_SECONDS, DAY);
    await validate(forge({ payload: validClaims({ iat: NOW_SECONDS - 60, exp: NOW_SECONDS - 60 + DAY }) }));
    const longer = forge({ payload: validClaims({ iat: NOW_SECONDS - 60, exp: NOW_SECONDS - 60 + DAY + 1 }) });
    await assertRefused(longer, 'ERR_TOKEN_LIFETIME_TOO_LONG', { claim: 'exp' });
  });

  it('refuses a token issued ten years ago that is still unexpired', async () => {
    const token = forge({ payload: validClaims({ iat: NOW_SECONDS - TEN_YEARS, exp: NOW_SECONDS + 300 }) });
    await assertRefused(token, 'ERR_TOKEN_LIFETIME_TOO_LONG', { claim: 'exp' });
  });

  it('refuses exp ten years ahead, and exp = 1e308', async () => {
    for (const exp of [NOW_SECONDS + TEN_YEARS, 1e308]) {
      await assertRefused(forge({ payload: validClaims({ exp }) }), 'ERR_TOKEN_LIFETIME_TOO_LONG', { claim: 'exp' });
    }
  });

  it('refuses a token without iat, which leaves its lifetime unknown', async () => {
    await assertRefused(forge({ payload: validClaims({ iat: undefined }) }), 'ERR_TOKEN_CLAIM_INVALID', {
      claim: 'iat',
    });
  });

  it('refuses iat in the future beyond the leeway even when the lifetime is short', async () => {
    const token = forge({ payload: validClaims({ iat: NOW_SECONDS + 3600, exp: NOW_SECONDS + 3900 }) });
    await assertRefused(token, 'ERR_TOKEN_NOT_YET_VALID', { claim: 'iat' });
  });

  it('honours a configured maximum, lower or higher', async () => {
    const hour = forge({ payload: validClaims({ iat: NOW_SECONDS, exp: NOW_SECONDS + 3600 }) });
    await validate(hour, { maxTokenLifetimeSeconds: 3600 });
    await assertRefused(hour, 'ERR_TOKEN_LIFETIME_TOO_LONG', { overrides: { maxTokenLifetimeSeconds: 3599 } });
    const week = forge({ payload: validClaims({ iat: NOW_SECONDS, exp: NOW_SECONDS + 7 * DAY }) });
    await validate(week, { maxTokenLifetimeSeconds: 7 * DAY });
  });
});
