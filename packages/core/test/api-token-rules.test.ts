import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidRequest, InvalidScope } from '../src/errors.js';
import {
  checkTokenApis,
  checkTokenName,
  checkTokenScopes,
  isExpiringSoon,
  revocationExpiresAt,
  tokenExpiresAt,
} from '../src/management/api-token-rules.js';
import type { ApiRecord } from '../src/storage/index.js';

function api(identifier: string, scopes: string[]): ApiRecord {
  return { identifier, scopes, isDefault: false, tokenTtlSeconds: 600, dpop: 'allowed', createdAt: 0 };
}

const ORDERS = api('https://orders.example', ['orders:read', 'orders:write']);
const BILLING = api('https://billing.example', ['billing:read']);
const REGISTERED = [ORDERS, BILLING];
const USER = { scopes: ['orders:read', 'billing:read', 'admin:all'], apis: null };
const CONFIG = { apiTokenDefaultTtlSeconds: 90 * 86_400, allowNeverExpiringApiTokens: false };
const NOW = 1_700_000_000;

function rejects(fn: () => unknown, type: typeof InvalidRequest | typeof InvalidScope, text: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof type, `expected ${type.name}, got ${String(error)}`);
    assert.match(error.description, text);
    return true;
  });
}

describe('API token rules', () => {
  it('takes names of 1 to 100 characters', () => {
    assert.equal(checkTokenName('deploy bot'), 'deploy bot');
    assert.equal(checkTokenName('x'.repeat(100)).length, 100);
    rejects(() => checkTokenName(''), InvalidRequest, /1 to 100/);
    rejects(() => checkTokenName('x'.repeat(101)), InvalidRequest, /1 to 100/);
  });

  it('needs at least one registered API, each reachable by the owner', () => {
    assert.deepEqual(checkTokenApis([ORDERS.identifier, ORDERS.identifier], REGISTERED, USER), [ORDERS]);
    rejects(() => checkTokenApis([], REGISTERED, USER), InvalidRequest, /at least one/);
    rejects(
      () => checkTokenApis(['https://nope.example'], REGISTERED, USER),
      InvalidRequest,
      /nope\.example.*not a registered/,
    );
    const client = { scopes: ['orders:read'], apis: [ORDERS.identifier] };
    rejects(() => checkTokenApis([BILLING.identifier], REGISTERED, client), InvalidRequest, /may not use.*billing/);
  });

  it('keeps scopes within the owner and offered by a chosen API, naming the offender', () => {
    assert.deepEqual(checkTokenScopes(['orders:read'], USER, [ORDERS]), ['orders:read']);
    rejects(
      () => checkTokenScopes(['orders:write'], USER, [ORDERS]),
      InvalidScope,
      /"orders:write" is beyond the owner/,
    );
    rejects(() => checkTokenScopes(['billing:read'], USER, [ORDERS]), InvalidScope, /"billing:read" is not offered/);
    rejects(() => checkTokenScopes(['admin:all'], USER, REGISTERED), InvalidScope, /"admin:all" is not offered/);
    rejects(() => checkTokenScopes([], USER, [ORDERS]), InvalidRequest, /at least one scope/);
    rejects(() => checkTokenScopes(['bad scope'], USER, [ORDERS]), InvalidRequest, /not a valid scope/);
  });

  it('defaults the expiry, bounds it to 1 hour .. 5 years, and refuses "never" unless allowed', () => {
    assert.equal(tokenExpiresAt(undefined, CONFIG, NOW), NOW + 90 * 86_400);
    assert.equal(tokenExpiresAt(3600, CONFIG, NOW), NOW + 3600);
    assert.equal(tokenExpiresAt(5 * 365 * 86_400, CONFIG, NOW), NOW + 5 * 365 * 86_400);
    rejects(() => tokenExpiresAt(3599, CONFIG, NOW), InvalidRequest, /1 hour/);
    rejects(() => tokenExpiresAt(5 * 365 * 86_400 + 1, CONFIG, NOW), InvalidRequest, /5 years/);
    rejects(() => tokenExpiresAt(7200.5, CONFIG, NOW), InvalidRequest, /whole number/);
    rejects(() => tokenExpiresAt(null, CONFIG, NOW), InvalidRequest, /never expire/);
    assert.equal(tokenExpiresAt(null, { ...CONFIG, allowNeverExpiringApiTokens: true }, NOW), null);
  });

  it('keeps a replaced secret on the deny list for a day, or less if the token expires sooner', () => {
    assert.equal(revocationExpiresAt(null, NOW), NOW + 86_400);
    assert.equal(revocationExpiresAt(NOW + 10 * 86_400, NOW), NOW + 86_400);
    assert.equal(revocationExpiresAt(NOW + 600, NOW), NOW + 600);
  });

  it('flags a token as expiring soon in its last week or last quarter of life, whichever is shorter', () => {
    const DAY = 86_400;
    const soon = (lifetimeSeconds: number, leftSeconds: number) =>
      isExpiringSoon(NOW, NOW + lifetimeSeconds, NOW + lifetimeSeconds - leftSeconds);
    // A 7-day token: not when made (the old 7-day rule flagged it at once), but in its last 42 hours.
    assert.equal(soon(7 * DAY, 7 * DAY), false);
    assert.equal(soon(7 * DAY, 42 * 3600 + 1), false);
    assert.equal(soon(7 * DAY, 42 * 3600), true);
    // A 90-day token: in its last week, as before.
    assert.equal(soon(90 * DAY, 7 * DAY + 1), false);
    assert.equal(soon(90 * DAY, 7 * DAY), true);
    // A 1-hour token: in its last 15 minutes.
    assert.equal(soon(3600, 901), false);
    assert.equal(soon(3600, 900), true);
    // Expired tokens are flagged; tokens that never expire are not.
    assert.equal(soon(30 * DAY, 0), true);
    assert.equal(soon(30 * DAY, -DAY), true);
    assert.equal(isExpiringSoon(NOW, null, NOW + 10 * 365 * DAY), false);
  });
});
