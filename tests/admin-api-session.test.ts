/**
 * Signing in to the admin API: the session cookie's attributes, who-am-I, sign-out that ends the session on the
 * server, idle expiry, CSRF and Origin checks, JSON-only bodies, and brute-force refusal with 429.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  AdminClient,
  SESSION_COOKIE,
  type SessionView,
  addDashboardUser,
  assertAdminError,
  sessionIdOf,
  signIn,
} from './support/admin-api.js';
import { addApi, USER_API } from './support/seed.js';
import { startTollgate, type TollgateProcess } from './support/tollgate.js';

const ADMIN = { username: 'root', password: 'the admin has a long password' };
const ALICE = { username: 'alice', password: 'alice has a long password too' };

describe('admin API sessions', () => {
  let server: TollgateProcess;
  let anonymous: AdminClient;
  before(async () => {
    server = await startTollgate();
    // Users may hold only scopes a registered API defines.
    await addApi(server, USER_API, ['read:data'], { isDefault: true });
    await addDashboardUser(server, ADMIN.username, ADMIN.password, { admin: true });
    await addDashboardUser(server, ALICE.username, ALICE.password, { scopes: ['read:data'] });
    anonymous = AdminClient.anonymous(server.url);
  });
  after(() => server?.stop());

  it('signs in with a __Host- cookie that is HttpOnly, Secure, SameSite=Strict, Path=/ and bounded', async () => {
    const result = await anonymous.post('/session', ALICE);
    assert.equal(result.status, 200, result.text);
    const cookie = result.headers.getSetCookie().find((line) => line.startsWith(`${SESSION_COOKIE}=`)) ?? '';
    const attributes = cookie.split(';').map((part) => part.trim().toLowerCase());
    for (const attribute of ['httponly', 'secure', 'samesite=strict', 'path=/']) {
      assert.ok(attributes.includes(attribute), `${attribute} missing in ${cookie}`);
    }
    assert.ok(!attributes.some((attribute) => attribute.startsWith('domain')), cookie);
    const maxAge = Number(attributes.find((attribute) => attribute.startsWith('max-age='))?.slice(8));
    assert.ok(maxAge > 8 * 3600 - 60 && maxAge <= 8 * 3600, `Max-Age ${maxAge}`);
    const session = result.json as SessionView;
    assert.equal(session.user.username, ALICE.username);
    assert.equal(session.user.isAdmin, false);
    assert.equal(session.idleTimeoutSeconds, 30 * 60);
    assert.equal(typeof session.csrfToken, 'string');
    assert.ok(!result.text.includes(sessionIdOf(result) ?? 'no session id'), 'the session id is in the body');
    assert.match(result.headers.get('cache-control') ?? '', /no-store/);
  });

  it('answers who is signed in, and 401 unauthenticated without a valid cookie', async () => {
    const alice = await signIn(server.url, ALICE.username, ALICE.password);
    const me = await alice.get('/session');
    assert.equal(me.status, 200, me.text);
    assert.equal((me.json as SessionView).user.username, ALICE.username);
    assert.equal((me.json as SessionView).csrfToken, alice.session?.csrfToken);
    assertAdminError(await anonymous.get('/session'), 401, 'unauthenticated');
    assertAdminError(
      await alice.get('/session', { cookie: `${SESSION_COOKIE}=forged-session-id` }),
      401,
      'unauthenticated',
    );
    assertAdminError(await alice.get('/tokens', { cookie: 'tollgate_session=x' }), 401, 'unauthenticated');
  });

  it('refuses wrong credentials alike for a known and an unknown user', async () => {
    const wrong = await anonymous.post('/session', { username: ALICE.username, password: 'not the password at all' });
    const unknown = await anonymous.post('/session', { username: 'nobody', password: 'not the password at all' });
    assertAdminError(wrong, 401, 'unauthenticated');
    assertAdminError(unknown, 401, 'unauthenticated');
    assert.equal(wrong.text, unknown.text);
    assert.equal(sessionIdOf(wrong), undefined);
  });

  it('takes sign-in only as a JSON object with a username and a password', async () => {
    const form = await anonymous.post('/session', undefined, {
      rawBody: `username=${ALICE.username}&password=x`,
      contentType: 'application/x-www-form-urlencoded',
    });
    assert.match(assertAdminError(form, 400, 'invalid_request'), /application\/json/);
    const malformed = await anonymous.post('/session', undefined, { rawBody: '{"username":' });
    assert.match(assertAdminError(malformed, 400, 'invalid_request'), /malformed/);
    const missing = await anonymous.post('/session', { username: ALICE.username });
    assert.equal(assertAdminError(missing, 400, 'invalid_request'), 'password is required');
    const extra = await anonymous.post('/session', { ...ALICE, remember: true });
    assert.equal(assertAdminError(extra, 400, 'invalid_request'), 'Unknown field: remember');
  });

  it('refuses sign-in and any call from a foreign Origin, and accepts its own', async () => {
    const foreign = await anonymous.post('/session', ALICE, { origin: 'https://evil.example' });
    assertAdminError(foreign, 403, 'csrf_failed');
    assert.equal(sessionIdOf(foreign), undefined);
    const alice = await signIn(server.url, ALICE.username, ALICE.password);
    assertAdminError(await alice.get('/session', { origin: 'https://evil.example' }), 403, 'csrf_failed');
    assertAdminError(await alice.delete('/session', { origin: 'null' }), 403, 'csrf_failed');
    const same = await anonymous.post('/session', ALICE, { origin: server.url });
    assert.equal(same.status, 200, same.text);
  });

  it('refuses state-changing calls without the CSRF token or with a wrong one', async () => {
    const alice = await signIn(server.url, ALICE.username, ALICE.password);
    assert.match(assertAdminError(await alice.delete('/session', { csrfToken: null }), 403, 'csrf_failed'), /missing/);
    assert.match(
      assertAdminError(
        await alice.delete('/session', { csrfToken: `${alice.session?.csrfToken}x` }),
        403,
        'csrf_failed',
      ),
      /does not match/,
    );
    const bob = await signIn(server.url, ADMIN.username, ADMIN.password);
    assertAdminError(await alice.delete('/session', { csrfToken: bob.session?.csrfToken ?? '' }), 403, 'csrf_failed');
    assert.equal((await alice.get('/session')).status, 200, 'the refused calls must not have signed out');
  });

  it('signs out: 204, the cookie cleared, and the old cookie no longer works', async () => {
    const alice = await signIn(server.url, ALICE.username, ALICE.password);
    const out = await alice.delete('/session');
    assert.equal(out.status, 204, out.text);
    const cleared = out.headers.getSetCookie().find((line) => line.startsWith(`${SESSION_COOKIE}=`)) ?? '';
    assert.match(cleared, /^__Host-tollgate_session=;/);
    assert.match(cleared, /Max-Age=0/i);
    assertAdminError(await alice.get('/session'), 401, 'unauthenticated');
    assertAdminError(await alice.delete('/session'), 401, 'unauthenticated');
  });

  it('answers 405 with Allow for a method a path does not serve, and 404 for an unknown path', async () => {
    const alice = await signIn(server.url, ALICE.username, ALICE.password);
    const put = await alice.call('PUT', '/session', {});
    assertAdminError(put, 405, 'invalid_request');
    assert.equal(put.headers.get('allow'), 'POST, GET, DELETE, HEAD');
    assertAdminError(await alice.get('/nothing-here'), 404, 'not_found');
  });
});

describe('admin API session limits', () => {
  // The shortest idle timeout the core allows (it records activity at most once a minute).
  const IDLE_SECONDS = 60;
  let server: TollgateProcess;
  before(async () => {
    server = await startTollgate({
      env: { TOLLGATE_SESSION_IDLE_TIMEOUT: `${IDLE_SECONDS}s` },
      config: {
        bruteForce: {
          windowSeconds: 60,
          account: { slowAfter: 2, blockAfter: 3 },
          address: { slowAfter: 50, blockAfter: 100 },
          delayStepMs: 0,
          maxDelayMs: 0,
        },
      },
    });
    await addDashboardUser(server, ALICE.username, ALICE.password);
  });
  after(() => server?.stop());

  it('ends a session left idle longer than the configured timeout', async () => {
    const idle = await signIn(server.url, ALICE.username, ALICE.password);
    assert.equal(idle.session?.idleTimeoutSeconds, IDLE_SECONDS);
    assert.equal((await idle.get('/session')).status, 200);
    await sleep((IDLE_SECONDS + 1.5) * 1000);
    assertAdminError(await idle.get('/session'), 401, 'unauthenticated');
    // The cookie stays dead: an expired session is not revived by a later sign-in of the same user.
    const fresh = await signIn(server.url, ALICE.username, ALICE.password);
    assert.equal((await fresh.get('/session')).status, 200);
    assertAdminError(await idle.get('/session'), 401, 'unauthenticated');
  });

  it('refuses repeated failed sign-ins with 429 and Retry-After, even with the right password', async () => {
    const anonymous = AdminClient.anonymous(server.url);
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      assertAdminError(
        await anonymous.post('/session', { ...ALICE, password: `wrong ${attempt}` }),
        401,
        'unauthenticated',
      );
    }
    const refused = await anonymous.post('/session', ALICE);
    assertAdminError(refused, 429, 'too_many_requests');
    assert.match(refused.headers.get('retry-after') ?? '', /^\d+$/);
    assert.equal(sessionIdOf(refused), undefined);
  });
});
