import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import {
  DEFAULT_BRUTE_FORCE_LIMITS,
  type Tollgate,
  generateEncryptionSecret,
  openTollgate,
  parseEncryptionKey,
  OPERATOR,
} from '@tollgate/core';
import { openSqliteStore } from '@tollgate/store-sql';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.js';
import { REDACTED, createLogger, pathOf, redactSecrets } from '../src/logging.js';

/** Collects every log line written. */
class CapturedLog extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    this.text += chunk.toString('utf8');
    callback();
  }
  lines(): Record<string, unknown>[] {
    return this.text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }
}

describe('redaction', () => {
  it('replaces credential fields at any depth without touching the original', () => {
    const original = { user: 'alice', body: { password: 'pw', nested: [{ client_secret: 's', refreshToken: 'r' }] } };
    const redacted = redactSecrets(original) as typeof original;
    assert.equal(redacted.body.password, REDACTED);
    assert.deepEqual(redacted.body.nested, [{ client_secret: REDACTED, refreshToken: REDACTED }]);
    assert.equal(redacted.user, 'alice');
    assert.equal(original.body.password, 'pw');
  });

  it('redacts a credential field in a list or a later line as in the first, and leaves the original list alone', () => {
    const first = redactSecrets({ Client_Secret: 's1', user: 'alice' }) as Record<string, unknown>;
    const again = redactSecrets({ Client_Secret: 's2', user: 'bob' }) as Record<string, unknown>;
    assert.deepEqual(
      [first, again],
      [
        { Client_Secret: REDACTED, user: 'alice' },
        { Client_Secret: REDACTED, user: 'bob' },
      ],
    );
    const list = [{ user: 'alice' }, { password: 'pw' }];
    const redacted = redactSecrets({ list }) as { list: unknown[] };
    assert.deepEqual(redacted.list, [{ user: 'alice' }, { password: REDACTED }]);
    assert.deepEqual(list, [{ user: 'alice' }, { password: 'pw' }]);
  });

  it('redacts the Authorization and Cookie headers of a logged request', () => {
    const log = new CapturedLog();
    const logger = createLogger({ level: 'info', destination: log });
    logger.info({ req: { headers: { authorization: 'Basic c2VjcmV0', cookie: 'sid=1' } }, access_token: 'at' }, 'x');
    logger.info({ headers: { Authorization: 'Bearer abc' } }, 'y');
    assert.ok(!log.text.includes('c2VjcmV0') && !log.text.includes('sid=1') && !log.text.includes('"at"'));
    assert.ok(!log.text.includes('Bearer abc'));
  });

  it('redacts the session cookie, Set-Cookie and the CSRF token wherever they are logged', () => {
    const log = new CapturedLog();
    const logger = createLogger({ level: 'info', destination: log });
    logger.info({ req: { headers: { cookie: '__Host-tollgate_session=s1d', 'x-csrf-token': 'c5rf' } } }, 'a');
    logger.info({ headers: { 'set-cookie': '__Host-tollgate_session=s2d', 'X-CSRF-Token': 'c6rf' } }, 'b');
    logger.info({ session: { csrfToken: 'c7rf', sessionId: 's3d' } }, 'c');
    for (const value of ['s1d', 'c5rf', 's2d', 'c6rf', 'c7rf', 's3d']) assert.ok(!log.text.includes(value), value);
  });

  it('keeps the query string out of logged paths', () => {
    assert.equal(pathOf('/token?access_token=abc'), '/token');
    assert.equal(pathOf('/token#x'), '/token');
    assert.equal(pathOf('/jwks'), '/jwks');
  });
});

describe('a full login, introspect and revoke cycle', () => {
  const log = new CapturedLog();
  const password = 'correct-horse-battery-staple';
  const secrets: string[] = [password];
  let tollgate: Tollgate;
  let app: FastifyInstance;
  let closeStore: () => Promise<void>;
  let client: { id: string; secret: string };

  before(async () => {
    const store = await openSqliteStore({ file: ':memory:' });
    closeStore = () => store.close();
    tollgate = await openTollgate(
      {
        issuer: 'http://127.0.0.1:8080',
        signingAlgorithm: 'EdDSA',
        refreshTokenTtlSeconds: 86_400,
        defaultAccessTokenTtlSeconds: 900,
        clockToleranceSeconds: 5,
        passwordLogin: true,
        bruteForce: DEFAULT_BRUTE_FORCE_LIMITS,
      },
      { store, encryptionKey: parseEncryptionKey(generateEncryptionSecret()) },
    );
    const operator = tollgate.as(OPERATOR);
    await operator.apis.create({ identifier: 'https://api.example.com', scopes: ['read'] });
    await operator.users.create({ username: 'alice', password, scopes: ['read'] });
    const created = await operator.clients.create({
      name: 'svc',
      scopes: ['read'],
      grantTypes: ['client_credentials'],
    });
    client = { id: created.client.id, secret: created.clientSecret };
    secrets.push(client.secret);
    app = buildApp(
      tollgate,
      { bodyLimitBytes: 65_536, trustProxy: false },
      createLogger({ level: 'trace', destination: log }),
    );
  });

  after(async () => {
    await app.close();
    await closeStore();
  });

  it('writes no token, secret or password into the log', async () => {
    const basic = `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString('base64')}`;
    secrets.push(basic.slice('Basic '.length));
    const form = { 'content-type': 'application/x-www-form-urlencoded', authorization: basic };

    const login = await app.inject({ method: 'POST', url: '/token', payload: { username: 'alice', password } });
    assert.equal(login.statusCode, 200, login.body);
    const { access_token: accessToken, refresh_token: refreshToken } = login.json();
    secrets.push(accessToken, refreshToken);

    const wrong = await app.inject({
      method: 'POST',
      url: '/token',
      payload: { username: 'alice', password: `${password}-wrong` },
    });
    assert.notEqual(wrong.statusCode, 200);
    secrets.push(`${password}-wrong`);

    const machine = await app.inject({
      method: 'POST',
      url: '/token',
      headers: form,
      payload: 'grant_type=client_credentials',
    });
    assert.equal(machine.statusCode, 200, machine.body);
    const machineToken = machine.json().access_token as string;
    secrets.push(machineToken);

    const introspection = await app.inject({
      method: 'POST',
      url: '/introspect',
      headers: form,
      payload: `token=${machineToken}`,
    });
    assert.equal(introspection.json().active, true);

    const revoke = await app.inject({
      method: 'POST',
      url: '/revoke',
      headers: form,
      payload: `token=${machineToken}`,
    });
    assert.equal(revoke.statusCode, 200);

    // A refresh (whatever the core answers) must not log the old or the new tokens either.
    const refresh = await app.inject({
      method: 'POST',
      url: '/token',
      payload: { grant_type: 'refresh_token', refresh_token: refreshToken },
    });
    if (refresh.statusCode === 200) secrets.push(refresh.json().access_token, refresh.json().refresh_token);

    await app.inject({ method: 'GET', url: `/token?access_token=${accessToken}&password=${password}` });

    assert.ok(log.text.length > 0, 'the cycle was logged');
    for (const secret of secrets) {
      assert.ok(!log.text.includes(secret), `the log contains a secret (${secret.slice(0, 6)}...)`);
    }
  });

  it('logs each request as method, route path, status, time and address', () => {
    const completed = log.lines().filter((line) => line.msg === 'request completed');
    assert.ok(completed.length >= 7);
    for (const line of completed) {
      assert.equal(typeof line.method, 'string');
      assert.equal(typeof line.path, 'string');
      assert.ok(!(line.path as string).includes('?'));
      assert.equal(typeof line.status, 'number');
      assert.equal(typeof line.responseTimeMs, 'number');
      assert.equal(line.remoteAddress, '127.0.0.1');
    }
    assert.ok(completed.some((line) => line.path === '/token' && line.status === 405));
  });
});
