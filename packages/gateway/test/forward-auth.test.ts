import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestGateway, type TestGateway } from './support/gateway.js';
import { send } from './support/http.js';
import { startIssuer, type TestIssuer } from './support/issuer.js';

/** Nothing listens here: forward-auth never forwards. */
const NOWHERE = 'http://127.0.0.1:9';

describe('forward-auth for nginx, Traefik and Envoy', () => {
  let issuer: TestIssuer;
  let gateway: TestGateway;
  let reader: Record<string, string>;

  before(async () => {
    issuer = await startIssuer();
    gateway = await startTestGateway(issuer.url, {
      forwardAuth: { enabled: true },
      routes: [
        { path: '/api', upstream: NOWHERE, scopes: ['read:data'] },
        { path: '/api/reports', methods: ['GET'], upstream: NOWHERE, scopes: ['read:data'] },
        { path: '/admin', upstream: NOWHERE, scopes: ['admin'] },
        { path: '/public', upstream: NOWHERE, public: true },
      ],
    });
    reader = { authorization: `Bearer ${await issuer.token({ scope: 'read:data' })}` };
  });

  after(async () => {
    await gateway.close();
    await issuer.close();
  });

  const traefik = (method: string, uri: string) => ({ 'X-Forwarded-Method': method, 'X-Forwarded-Uri': uri });
  const nginx = (method: string, uri: string) => ({ 'X-Original-Method': method, 'X-Original-URI': uri });

  it('answers 200 with the identity headers for a good token (Traefik headers)', async () => {
    const reply = await send(gateway.url, '/_tollgate/auth', {
      headers: { ...reader, ...traefik('POST', '/api/items?limit=5'), 'X-Tollgate-Subject': 'spoofed' },
    });
    assert.equal(reply.status, 200);
    assert.equal(reply.headers['x-tollgate-subject'], 'user-42');
    assert.equal(reply.headers['x-tollgate-client'], 'client-7');
    assert.equal(reply.headers['x-tollgate-scopes'], 'read:data');
    assert.equal(reply.text, '');
  });

  it('answers 200 with the identity headers for a good token (nginx headers)', async () => {
    const reply = await send(gateway.url, '/_tollgate/auth', { headers: { ...reader, ...nginx('GET', '/api/items') } });
    assert.equal(reply.status, 200);
    assert.equal(reply.headers['x-tollgate-subject'], 'user-42');
  });

  it('takes the original request from the path after the endpoint (Envoy ext_authz)', async () => {
    const allowed = await send(gateway.url, '/_tollgate/auth/api/items?x=1', { method: 'DELETE', headers: reader });
    assert.equal(allowed.status, 200);
    assert.equal(allowed.headers['x-tollgate-subject'], 'user-42');
    const refused = await send(gateway.url, '/_tollgate/auth/admin/users', { headers: reader });
    assert.equal(refused.status, 403);
  });

  it('answers 401 with a bare challenge without a token and invalid_token for a bad one', async () => {
    const bare = await send(gateway.url, '/_tollgate/auth', { headers: nginx('GET', '/api/items') });
    assert.equal(bare.status, 401);
    assert.match(String(bare.headers['www-authenticate']), /^Bearer realm="[^"]+"$/);
    const bad = await send(gateway.url, '/_tollgate/auth', {
      headers: { authorization: 'Bearer a.b.c', ...traefik('GET', '/api/items') },
    });
    assert.equal(bad.status, 401);
    assert.match(String(bad.headers['www-authenticate']), /error="invalid_token"/);
    assert.equal(bad.headers['x-tollgate-subject'], undefined);
  });

  it('answers 403 insufficient_scope with the challenge when a scope is missing', async () => {
    const reply = await send(gateway.url, '/_tollgate/auth', { headers: { ...reader, ...nginx('GET', '/admin') } });
    assert.equal(reply.status, 403);
    assert.match(String(reply.headers['www-authenticate']), /error="insufficient_scope", .*scope="admin"/);
  });

  it('normalises the original URI like the proxy does, so path tricks are judged as the real path', async () => {
    for (const uri of ['/public/../admin', '//admin', '/public/%2e%2e/admin', '/%61dmin']) {
      const reply = await send(gateway.url, '/_tollgate/auth', { headers: { ...reader, ...traefik('GET', uri) } });
      assert.equal(reply.status, 403, `${uri} was not judged as /admin`);
    }
    for (const uri of ['/public/..%2Fadmin', '/admin;x', '/public/..;/admin', '/ADMIN']) {
      const reply = await send(gateway.url, '/_tollgate/auth', { headers: nginx('GET', uri) });
      assert.equal(reply.status, 400, `${uri} was not refused`);
    }
  });

  it('denies with 403 what no route allows, since nginx treats other statuses as errors', async () => {
    const unknown = await send(gateway.url, '/_tollgate/auth', {
      headers: { ...reader, ...nginx('GET', '/elsewhere') },
    });
    assert.equal(unknown.status, 403);
    const wrongMethod = await send(gateway.url, '/_tollgate/auth', {
      headers: { ...reader, ...nginx('POST', '/api/reports') },
    });
    assert.equal(wrongMethod.status, 403);
    const unnamed = await send(gateway.url, '/_tollgate/auth', { headers: reader });
    assert.equal(unnamed.status, 400, 'a check that names no original request is malformed');
  });

  it('allows public routes without a token and without identity headers', async () => {
    const reply = await send(gateway.url, '/_tollgate/auth', {
      headers: { ...traefik('GET', '/public/page'), 'X-Tollgate-Subject': 'admin' },
    });
    assert.equal(reply.status, 200);
    assert.equal(reply.headers['x-tollgate-subject'], undefined);
  });

  it('logs forward-auth decisions with the original path and never the token', async () => {
    const entry = gateway.logs().find((line) => line.mode === 'forward_auth' && line.path === '/api/items');
    assert.ok(entry);
    assert.equal(entry.route, '/api');
    assert.ok(!gateway.rawLogs().includes(reader.authorization?.slice(7) ?? '-'));
  });
});
