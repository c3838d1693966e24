/**
 * A refresh-token family ends `refreshTokenMaxLifetime` after its first login, however often it rotates (as
 * oidc-provider bounds rotation by `iiat`): over HTTP against a server whose clock the test moves.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  OPERATOR,
  DEFAULT_BRUTE_FORCE_LIMITS,
  type Tollgate,
  generateEncryptionSecret,
  openTollgate,
  parseEncryptionKey,
} from '@tollgate/core';
import { type SqliteStore, openSqliteStore } from '@tollgate/store-sql';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.js';
import { createLogger } from '../src/logging.js';

const DAY_SECONDS = 86_400;
const TTL_SECONDS = DAY_SECONDS;
const MAX_LIFETIME_SECONDS = 3 * DAY_SECONDS;
const API = 'https://api.example.com';
const USER = { username: 'alice', password: 'alice has a long password' };

describe('refresh-token family lifetime', () => {
  let store: SqliteStore;
  let tollgate: Tollgate;
  let app: FastifyInstance;
  let url: string;
  let basic: string;
  let nowMs = Date.UTC(2026, 0, 1);
  const nowSeconds = () => Math.floor(nowMs / 1000);

  before(async () => {
    store = await openSqliteStore({ file: ':memory:' });
    tollgate = await openTollgate(
      {
        issuer: 'http://127.0.0.1:8080',
        signingAlgorithm: 'EdDSA',
        refreshTokenTtlSeconds: TTL_SECONDS,
        refreshTokenMaxLifetimeSeconds: MAX_LIFETIME_SECONDS,
        defaultAccessTokenTtlSeconds: 900,
        clockToleranceSeconds: 5,
        passwordLogin: true,
        bruteForce: DEFAULT_BRUTE_FORCE_LIMITS,
      },
      { store, encryptionKey: parseEncryptionKey(generateEncryptionSecret()), clock: () => nowMs },
    );
    const operations = tollgate.as(OPERATOR);
    await operations.apis.create({ identifier: API, scopes: ['read'], isDefault: true });
    await operations.users.create({ ...USER, scopes: ['read'] });
    const client = await operations.clients.create({
      name: 'app',
      scopes: ['read'],
      grantTypes: ['password', 'refresh_token'],
    });
    basic = `Basic ${Buffer.from(`${client.client.id}:${client.clientSecret}`).toString('base64')}`;
    app = buildApp(tollgate, { bodyLimitBytes: 65_536, trustProxy: false }, createLogger({ level: 'silent' }));
    url = await app.listen({ host: '127.0.0.1', port: 0 });
  });

  after(async () => {
    await app?.close();
    tollgate?.close();
    await store?.close();
  });

  async function post(path: string, params: Record<string, string>): Promise<{ status: number; body: unknown }> {
    const response = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(params).toString(),
    });
    return { status: response.status, body: await response.json() };
  }

  async function refreshToken(params: Record<string, string>): Promise<string> {
    const { status, body } = await post('/token', params);
    assert.equal(status, 200, JSON.stringify(body));
    const token = (body as { refresh_token?: unknown }).refresh_token;
    assert.equal(typeof token, 'string', JSON.stringify(body));
    return token as string;
  }

  const rotate = (token: string) => refreshToken({ grant_type: 'refresh_token', refresh_token: token });

  async function introspect(token: string): Promise<Record<string, unknown>> {
    const { status, body } = await post('/introspect', { token });
    assert.equal(status, 200, JSON.stringify(body));
    return body as Record<string, unknown>;
  }

  it('never extends a rotated token past the family start plus the max lifetime, and refuses it from then on', async () => {
    const familyStart = nowSeconds();
    let token = await refreshToken({ grant_type: 'password', ...USER });
    assert.equal((await introspect(token)).exp, familyStart + TTL_SECONDS);
    // Rotate every 0.9 days: each new token would get a whole day from its own issue.
    for (let rotation = 1; rotation <= 3; rotation += 1) {
      nowMs += 0.9 * DAY_SECONDS * 1000;
      token = await rotate(token);
      const expected = Math.min(nowSeconds() + TTL_SECONDS, familyStart + MAX_LIFETIME_SECONDS);
      assert.equal((await introspect(token)).exp, expected, `expiry after rotation ${rotation}`);
    }
    assert.equal(
      (await introspect(token)).exp,
      familyStart + MAX_LIFETIME_SECONDS,
      'the last one ends with the family',
    );

    nowMs = (familyStart + MAX_LIFETIME_SECONDS) * 1000;
    const refused = await post('/token', { grant_type: 'refresh_token', refresh_token: token });
    assert.equal(refused.status, 400);
    assert.deepEqual(refused.body, {
      error: 'invalid_grant',
      error_description: 'The grant of this refresh token reached its maximum lifetime; sign in again',
    });
    assert.deepEqual(await introspect(token), { active: false });
  });

  it('lets a family in use rotate until just before its end', async () => {
    const familyStart = nowSeconds();
    let token = await refreshToken({ grant_type: 'password', ...USER });
    for (let day = 1; day <= 3; day += 1) {
      nowMs += 0.99 * DAY_SECONDS * 1000;
      token = await rotate(token);
    }
    nowMs = (familyStart + MAX_LIFETIME_SECONDS - 1) * 1000;
    token = await rotate(token);
    assert.equal((await introspect(token)).exp, familyStart + MAX_LIFETIME_SECONDS);
    assert.equal((await introspect(token)).active, true);
  });
});
