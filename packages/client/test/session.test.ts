import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LoginRequiredError, OAuthError } from '../src/errors.js';
import { isFresh, type TokenSet } from '../src/oauth/token-set.js';
import { TokenSession } from '../src/session/session.js';
import { memoryStorage, type TokenStorage } from '../src/session/storage.js';

const NOW_MS = 1_000_000;
const tokens = (accessToken: string, expiresAtMs = NOW_MS - 1): TokenSet => ({
  accessToken,
  tokenType: 'Bearer',
  expiresAtMs,
  lifetimeSeconds: 60,
  refreshToken: `r-${accessToken}`,
});

function sessionWith(storage: TokenStorage, renew: (current: TokenSet) => Promise<TokenSet>) {
  return new TokenSession({ storage, lockName: 'test', refreshMarginSeconds: 10, now: () => NOW_MS, renew });
}

describe('TokenSession: one renewal at a time', () => {
  it('shares one renewal among every concurrent caller that finds the token stale', async () => {
    const storage = memoryStorage();
    await storage.set(tokens('old'));
    let renewals = 0;
    let finish: (value: TokenSet) => void = () => {};
    const session = sessionWith(storage, () => {
      renewals += 1;
      return new Promise((resolve) => {
        finish = resolve;
      });
    });
    const callers = Array.from({ length: 50 }, () => session.current());
    await new Promise((resolve) => setImmediate(resolve));
    finish(tokens('new', NOW_MS + 60_000));
    const results = await Promise.all(callers);
    assert.equal(renewals, 1);
    assert.ok(results.every((result) => result.accessToken === 'new'));
    assert.equal((await storage.get())?.accessToken, 'new');
  });

  it('does not renew tokens someone else already renewed: it reads the storage again first', async () => {
    const storage = memoryStorage();
    await storage.set(tokens('renewed-by-another-tab', NOW_MS + 60_000));
    const session = sessionWith(storage, () => assert.fail('renewed twice'));
    const result = await session.renewAfter(tokens('what-this-tab-saw'));
    assert.equal(result.accessToken, 'renewed-by-another-tab');
  });

  it('ends the session on invalid_grant: tokens forgotten, LoginRequiredError with the cause', async () => {
    const storage = memoryStorage();
    await storage.set(tokens('old'));
    const refused = new OAuthError({ error: 'invalid_grant', status: 400 });
    const session = sessionWith(storage, () => Promise.reject(refused));
    await assert.rejects(
      session.current(),
      (error: unknown) => error instanceof LoginRequiredError && error.cause === refused,
    );
    assert.equal(await storage.get(), undefined);
  });

  it('keeps the tokens when renewal fails for another reason (the server unreachable)', async () => {
    const storage = memoryStorage();
    await storage.set(tokens('old'));
    const session = sessionWith(storage, () => Promise.reject(new TypeError('fetch failed')));
    await assert.rejects(session.current(), TypeError);
    assert.equal((await storage.get())?.accessToken, 'old');
  });

  it('counts a token fresh until the margin, at most half its lifetime, before expiry', () => {
    const token = { ...tokens('t', NOW_MS + 60_000), lifetimeSeconds: 60 };
    assert.equal(isFresh(token, NOW_MS + 29_999, 3600), true, 'a margin of an hour is clamped to 30 s');
    assert.equal(isFresh(token, NOW_MS + 30_000, 3600), false);
    assert.equal(isFresh(token, NOW_MS + 49_999, 10), true);
    assert.equal(isFresh(token, NOW_MS + 50_000, 10), false);
    assert.equal(isFresh({ accessToken: 't', tokenType: 'Bearer' }, NOW_MS, 10), true, 'no expires_in: fresh');
  });
});
