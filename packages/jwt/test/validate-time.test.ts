import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertRefused, forge, NOW_SECONDS, validate, validClaims } from './support.js';

const at = (seconds: number) => () => seconds * 1000;

describe('validateAccessToken checks exp, nbf and iat with a small leeway', () => {
  it('accepts a token expired less than the default 5 s leeway ago and refuses it at 5 s', async () => {
    await validate(forge({ payload: validClaims({ exp: NOW_SECONDS - 4 }) }));
    await assertRefused(forge({ payload: validClaims({ exp: NOW_SECONDS - 5 }) }), 'ERR_TOKEN_EXPIRED', {
      claim: 'exp',
    });
  });

  it('without leeway, refuses a token at its exp second (RFC 7519 4.1.4: now must be before exp)', async () => {
    const token = forge({ payload: validClaims({ exp: NOW_SECONDS + 1, iat: NOW_SECONDS - 10 }) });
    await validate(token, { clockToleranceSeconds: 0, now: () => (NOW_SECONDS + 1) * 1000 - 1 });
    await assertRefused(token, 'ERR_TOKEN_EXPIRED', {
      overrides: { clockToleranceSeconds: 0, now: at(NOW_SECONDS + 1) },
    });
  });

  it('honours a configured leeway', async () => {
    const token = forge({ payload: validClaims({ exp: NOW_SECONDS - 29, iat: NOW_SECONDS - 60 }) });
    await validate(token, { clockToleranceSeconds: 30 });
    await assertRefused(token, 'ERR_TOKEN_EXPIRED', {
      overrides: { clockToleranceSeconds: 30, now: at(NOW_SECONDS + 1) },
    });
  });

  it('clamps the leeway to at most 300 s and at least 0 s', async () => {
    const expired299 = forge({ payload: validClaims({ exp: NOW_SECONDS - 299, iat: NOW_SECONDS - 600 }) });
    const expired300 = forge({ payload: validClaims({ exp: NOW_SECONDS - 300, iat: NOW_SECONDS - 600 }) });
    await validate(expired299, { clockToleranceSeconds: 86_400 });
    await assertRefused(expired300, 'ERR_TOKEN_EXPIRED', { overrides: { clockToleranceSeconds: 86_400 } });
    // A negative leeway counts as none: the token stays valid until its exp second.
    await validate(forge({ payload: validClaims({ exp: NOW_SECONDS + 1 }) }), { clockToleranceSeconds: -60 });
    await assertRefused(forge({ payload: validClaims({ exp: NOW_SECONDS }) }), 'ERR_TOKEN_EXPIRED', {
      overrides: { clockToleranceSeconds: -60 },
    });
  });

  it('refuses a token expired long ago', async () => {
    await assertRefused(
      forge({ payload: validClaims({ exp: NOW_SECONDS - 3600, iat: NOW_SECONDS - 7200 }) }),
      'ERR_TOKEN_EXPIRED',
    );
  });

  it('accepts nbf within the leeway and refuses it beyond', async () => {
    await validate(forge({ payload: validClaims({ nbf: NOW_SECONDS + 5 }) }));
    await assertRefused(forge({ payload: validClaims({ nbf: NOW_SECONDS + 6 }) }), 'ERR_TOKEN_NOT_YET_VALID', {
      claim: 'nbf',
    });
  });

  it('accepts iat within the leeway and refuses a token issued further in the future', async () => {
    await validate(forge({ payload: validClaims({ iat: NOW_SECONDS + 5 }) }));
    await assertRefused(forge({ payload: validClaims({ iat: NOW_SECONDS + 6 }) }), 'ERR_TOKEN_NOT_YET_VALID', {
      claim: 'iat',
    });
    await assertRefused(forge({ payload: validClaims({ iat: NOW_SECONDS + 86_400 }) }), 'ERR_TOKEN_NOT_YET_VALID');
  });

  it('uses the real clock when no now is given', async () => {
    const realNow = Math.floor(Date.now() / 1000);
    const token = forge({ payload: validClaims({ iat: realNow, exp: realNow + 60 }) });
    assert.equal((await validate(token, { now: undefined })).iat, realNow);
    await assertRefused(
      forge({ payload: validClaims({ iat: realNow - 120, exp: realNow - 60 }) }),
      'ERR_TOKEN_EXPIRED',
      {
        overrides: { now: undefined },
      },
    );
  });
});
