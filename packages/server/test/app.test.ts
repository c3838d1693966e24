import assert from 'node:assert/strict';
import { after, beforeEach, describe, it } from 'node:test';
import {
  InvalidClient,
  type IntrospectionRequest,
  type RevocationRequest,
  type TokenRequest,
  TooManyAttempts,
} from '@tollgate/core';
import { type TollgateEndpoints, buildApp } from '../src/app.js';
import { createLogger } from '../src/logging.js';

/** A stand-in core that records what the HTTP layer hands it. */
class RecordingCore implements TollgateEndpoints {
  tokenRequests: TokenRequest[] = [];
  revocations: RevocationRequest[] = [];
  introspections: IntrospectionRequest[] = [];
  failWith: unknown;

  async token(request: TokenRequest) {
    this.tokenRequests.push(request);
    if (this.failWith !== undefined) throw this.failWith;
    return { access_token: 'at', token_type: 'Bearer' as const, expires_in: 900, scope: 'read' };
  }
  async revoke(request: RevocationRequest) {
    this.revocations.push(request);
    if (this.failWith !== undefined) throw this.failWith;
  }
  async introspect(request: IntrospectionRequest) {
    this.introspections.push(request);
    return { active: false as const };
  }
  jwks() {
    return { keys: [] };
  }
  metadata() {
    return { issuer: 'http://127.0.0.1:8080' };
  }
  // The authorization endpoint is exercised by the integration tests (tests/authorization-code*.test.ts).
  async checkAuthorization(): Promise<never> {
    throw new Error('the authorization endpoint is not exercised here');
  }
  async approveAuthorization(): Promise<never> {
    throw new Error('the authorization endpoint is not exercised here');
  }
  denyAuthorization(): never {
    throw new Error('the authorization endpoint is not exercised here');
  }
  async authenticateClient(): Promise<{ clientId: string }> {
    throw new Error('the revocation stream is not exercised here');
  }
  readonly revocationFeed = {
    subscribe: () => () => {},
    resumePlan: async (): Promise<never> => {
      throw new Error('the revocation stream is not exercised here');
    },
  };
  // The management surface is exercised by the integration tests (tests/admin-api-*.test.ts).
  as(): never {
    throw new Error('the admin API is not exercised here');
  }
  async authorizeAdminBearer(): Promise<never> {
    throw new Error('the admin API is not exercised here');
  }
  readonly sessions = {
    signIn: async (): Promise<never> => {
      throw new Error('the admin API is not exercised here');
    },
    signInWithCode: async (): Promise<never> => {
      throw new Error('the admin API is not exercised here');
    },
    resume: async () => undefined,
    signOut: async () => {},
  };
  async reportApiTokenUsage(): Promise<void> {}
  // The credits endpoint is exercised by the integration tests (tests/api-token-credits.test.ts).
  async consumeApiTokenCredits(): Promise<never> {
    throw new Error('the credits endpoint is not exercised here');
  }
}

const core = new RecordingCore();
const app = buildApp(core, { bodyLimitBytes: 1024, trustProxy: ['10.0.0.0/8'] }, createLogger({ level: 'silent' }));
after(() => app.close());
beforeEach(() => {
  core.tokenRequests = [];
  core.failWith = undefined;
});

const form = { 'content-type': 'application/x-www-form-urlencoded' };

describe('POST /token', () => {
  it('hands the core the parameters, resources, client and address', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/token',
      headers: { ...form, authorization: `Basic ${Buffer.from('cid:sec').toString('base64')}` },
      payload: 'grant_type=client_credentials&scope=read&resource=https%3A%2F%2Fapi.example',
    });
    assert.equal(response.statusCode, 200);
    assert.equal(response.json().access_token, 'at');
    const [request] = core.tokenRequests;
    assert.deepEqual(Object.fromEntries(request?.params ?? []), { grant_type: 'client_credentials', scope: 'read' });
    assert.deepEqual(request?.resources, ['https://api.example']);
    assert.deepEqual(request?.client, { method: 'client_secret_basic', clientId: 'cid', clientSecret: 'sec' });
    assert.equal(request?.remoteAddress, '127.0.0.1');
  });

  it('passes the simple JSON login through unchanged', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/token',
      payload: { username: 'alice', password: 'pw' },
    });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(Object.fromEntries(core.tokenRequests[0]?.params ?? []), { username: 'alice', password: 'pw' });
    assert.deepEqual(core.tokenRequests[0]?.client, { method: 'none' });
  });

  it('marks success and error responses no-store', async () => {
    const ok = await app.inject({ method: 'POST', url: '/token', headers: form, payload: 'grant_type=x' });
    assert.equal(ok.headers['cache-control'], 'no-store');
    assert.equal(ok.headers.pragma, 'no-cache');
    const bad = await app.inject({ method: 'POST', url: '/token', headers: form, payload: 'scope=a&scope=b' });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.headers['cache-control'], 'no-store');
    assert.equal(bad.headers.pragma, 'no-cache');
  });

  it('refuses a repeated parameter before the core sees it', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/token',
      headers: form,
      payload: 'grant_type=a&grant_type=b',
    });
    assert.equal(response.statusCode, 400);
    assert.deepEqual(response.json(), {
      error: 'invalid_request',
      error_description: 'parameter grant_type is repeated',
    });
    assert.equal(core.tokenRequests.length, 0);
  });

  it('answers GET with 405 and Allow: POST', async () => {
    const response = await app.inject({ method: 'GET', url: '/token?grant_type=password' });
    assert.equal(response.statusCode, 405);
    assert.equal(response.headers.allow, 'POST');
    assert.equal(response.json().error, 'invalid_request');
    assert.equal(response.headers['cache-control'], 'no-store');
  });

  it('answers an oversized body with 413 invalid_request', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/token',
      headers: form,
      payload: `scope=${'a'.repeat(2000)}`,
    });
    assert.equal(response.statusCode, 413);
    assert.equal(response.json().error, 'invalid_request');
  });

  it('answers malformed JSON, non-object JSON and unknown content types with 400', async () => {
    const json = { 'content-type': 'application/json' };
    for (const [headers, payload] of [
      [json, '{"username": '],
      [json, '["username"]'],
      [json, ''],
      [{ 'content-type': 'text/plain' }, 'grant_type=password'],
      [{ 'content-type': 'multipart/form-data; boundary=x' }, '--x--'],
      [{ 'content-type': '' }, 'grant_type=password'],
    ] as const) {
      const response = await app.inject({ method: 'POST', url: '/token', headers, payload });
      assert.equal(response.statusCode, 400, `${headers['content-type']} ${payload}`);
      assert.equal(response.json().error, 'invalid_request');
    }
  });

  it('challenges a failed Basic authentication', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/token',
      headers: { ...form, authorization: 'Basic !!' },
      payload: 'grant_type=x',
    });
    assert.equal(response.statusCode, 401);
    assert.equal(response.headers['www-authenticate'], 'Basic realm="tollgate"');
    core.failWith = new InvalidClient('Client authentication failed');
    const fromCore = await app.inject({
      method: 'POST',
      url: '/token',
      headers: { ...form, authorization: `Basic ${Buffer.from('a:b').toString('base64')}` },
      payload: 'grant_type=x',
    });
    assert.equal(fromCore.headers['www-authenticate'], 'Basic realm="tollgate"');
  });

  it('sends 429 with Retry-After when the core is throttling', async () => {
    core.failWith = new TooManyAttempts(30);
    const response = await app.inject({ method: 'POST', url: '/token', payload: { username: 'a', password: 'b' } });
    assert.equal(response.statusCode, 429);
    assert.equal(response.headers['retry-after'], '30');
  });

  it('hides an unexpected failure behind a generic 500', async () => {
    core.failWith = new Error('SQLITE_IOERR: disk I/O error at /secret/path');
    const response = await app.inject({ method: 'POST', url: '/token', headers: form, payload: 'grant_type=x' });
    assert.equal(response.statusCode, 500);
    assert.deepEqual(response.json(), {
      error: 'server_error',
      error_description: 'The server failed to process the request',
    });
    assert.ok(!response.body.includes('SQLITE') && !response.body.includes('/secret'));
  });
});

describe('POST /revoke and /introspect', () => {
  it('revokes with 200 and an empty body', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/revoke',
      headers: form,
      payload: 'token=abc&token_type_hint=refresh_token&client_id=c&client_secret=s',
    });
    assert.equal(response.statusCode, 200);
    assert.equal(response.body, '');
    assert.equal(response.headers['cache-control'], 'no-store');
    const request = core.revocations.at(-1);
    assert.equal(request?.token, 'abc');
    assert.equal(request?.tokenTypeHint, 'refresh_token');
    assert.deepEqual(request?.client, { method: 'client_secret_post', clientId: 'c', clientSecret: 's' });
  });

  it('requires the token parameter', async () => {
    for (const url of ['/revoke', '/introspect']) {
      const response = await app.inject({ method: 'POST', url, headers: form, payload: 'client_id=c&client_secret=s' });
      assert.equal(response.statusCode, 400, url);
      assert.equal(response.json().error, 'invalid_request');
    }
  });

  it('answers introspection with the core result, no-store', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/introspect',
      headers: form,
      payload: 'token=garbage&client_id=c&client_secret=s',
    });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), { active: false });
    assert.equal(response.headers['cache-control'], 'no-store');
    assert.equal(response.headers.pragma, 'no-cache');
  });

  it('answers other methods with 405', async () => {
    for (const method of ['GET', 'PUT', 'DELETE'] as const) {
      const response = await app.inject({ method, url: '/introspect' });
      assert.equal(response.statusCode, 405, method);
      assert.equal(response.headers.allow, 'POST');
    }
  });
});

describe('discovery documents', () => {
  it('serves the JWKS cacheable for a minute', async () => {
    const response = await app.inject({ method: 'GET', url: '/.well-known/jwks.json' });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), { keys: [] });
    assert.equal(response.headers['cache-control'], 'public, max-age=60');
    assert.equal(response.headers.pragma, undefined);
  });

  it('serves the metadata cacheable for five minutes', async () => {
    const response = await app.inject({ method: 'GET', url: '/.well-known/oauth-authorization-server' });
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['cache-control'], 'public, max-age=300');
  });

  it('answers POST to a document with 405 and Allow: GET, HEAD', async () => {
    const response = await app.inject({ method: 'POST', url: '/.well-known/jwks.json', payload: {} });
    assert.equal(response.statusCode, 405);
    assert.equal(response.headers.allow, 'GET, HEAD');
  });
});

describe('transport and unknown paths', () => {
  it('answers an unknown path with 404 JSON', async () => {
    const response = await app.inject({ method: 'GET', url: '/admin?token=abc' });
    assert.equal(response.statusCode, 404);
    assert.equal(response.json().error, 'invalid_request');
    assert.ok(!response.body.includes('abc'));
  });

  it('refuses plain HTTP from a non-loopback address with 403, before reading the body', async () => {
    core.tokenRequests = [];
    const response = await app.inject({
      method: 'POST',
      url: '/token',
      remoteAddress: '203.0.113.9',
      headers: form,
      payload: 'grant_type=x',
    });
    assert.equal(response.statusCode, 403);
    assert.equal(response.json().error, 'invalid_request');
    assert.match(response.json().error_description, /^HTTPS is required: /);
    assert.equal(response.headers['cache-control'], 'no-store');
    assert.equal(core.tokenRequests.length, 0);
  });

  it('accepts a trusted proxy forwarding HTTPS, adds HSTS, and sees the real client address', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/token',
      remoteAddress: '10.1.2.3',
      headers: { ...form, 'x-forwarded-proto': 'https', 'x-forwarded-for': '198.51.100.20' },
      payload: 'grant_type=x',
    });
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['strict-transport-security'], 'max-age=31536000; includeSubDomains');
    assert.equal(core.tokenRequests[0]?.remoteAddress, '198.51.100.20');
  });

  it('keeps HSTS on error responses of a secure request', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/token',
      remoteAddress: '10.1.2.3',
      headers: { ...form, 'x-forwarded-proto': 'https' },
      payload: 'scope=1&scope=2',
    });
    assert.equal(response.statusCode, 400);
    assert.equal(response.headers['strict-transport-security'], 'max-age=31536000; includeSubDomains');
  });

  it('does not add HSTS to plain loopback responses', async () => {
    const response = await app.inject({ method: 'GET', url: '/.well-known/jwks.json' });
    assert.equal(response.headers['strict-transport-security'], undefined);
  });
});
