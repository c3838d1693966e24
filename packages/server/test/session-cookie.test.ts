import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SESSION_COOKIE, clearedSessionCookie, sessionCookie, sessionIdFrom } from '../src/http/session-cookie.js';

describe('the session cookie', () => {
  it('is __Host- prefixed, HttpOnly, Secure, SameSite=Strict, Path=/ and carries its lifetime', () => {
    assert.equal(
      sessionCookie('abc_DEF-123', 28_800),
      '__Host-tollgate_session=abc_DEF-123; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=28800',
    );
    assert.ok(!sessionCookie('abc', 10).includes('Domain'));
  });

  it('is cleared with the same attributes and Max-Age=0', () => {
    assert.equal(
      clearedSessionCookie(),
      '__Host-tollgate_session=; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=0',
    );
  });

  it('refuses to serialize a value that would break the header', () => {
    assert.throws(() => sessionCookie('a;b', 10), TypeError);
    assert.throws(() => sessionCookie('a b', 10), TypeError);
  });

  it('is found among other cookies, quoted or not', () => {
    assert.equal(sessionIdFrom(`theme=dark; ${SESSION_COOKIE}=s3ss10n; lang=en`), 's3ss10n');
    assert.equal(sessionIdFrom(`${SESSION_COOKIE}="quoted"`), 'quoted');
  });

  it('is absent when missing, empty, malformed, only similarly named, or sent twice', () => {
    assert.equal(sessionIdFrom(undefined), undefined);
    assert.equal(sessionIdFrom('theme=dark'), undefined);
    assert.equal(sessionIdFrom(`${SESSION_COOKIE}=`), undefined);
    assert.equal(sessionIdFrom('tollgate_session=abc'), undefined);
    assert.equal(sessionIdFrom(`${SESSION_COOKIE}=a\\b`), undefined);
    assert.equal(sessionIdFrom(`${SESSION_COOKIE}=one; ${SESSION_COOKIE}=two`), undefined);
  });
});
