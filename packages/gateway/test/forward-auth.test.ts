import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestGateway, type TestGateway } from './support/gateway.js';
import { send, sendRaw } from './support/http.js';
import { startIssuer, type TestIssuer } from './support/issuer.js';

/** Nothing listens here: forward-auth never forwards. */
const NOWHERE = 'http://127.0.0.1:9';

const ROUTES = [
  { path: '/api', upstream: NOWHERE, scopes: ['read:data'] },
  { path: '/api/reports', methods: ['GET'], upstream: NOWHERE, scopes: ['read:data'] },
  { path: '/admin', upstream: NOWHERE, scopes: ['admin'] },
  { path: '/public', upstream: NOWHERE, public: true },
];

type Mode = 'nginx' | 'traefik' | 'envoy';

function startFor(issuer: TestIssuer, mode: Mode, trustProxy = ['127.0.0.1']): Promise<TestGateway> {
  return startTestGateway(issuer.url, { trustProxy, forwardAuth: { enabled: true, mode }, routes: ROUTES });
}

const traefik = (method: string, uri: string) => ({ 'X-Forwarded-Method': method, 'X-Forwarded-Uri': uri });
const nginx = (method: string, uri: string) => ({ 'X-Original-Method': method, 'X-Original-URI': uri });

describe('forward-auth for nginx, Traefik and Envoy', () => {
  let issuer: TestIssuer;
  let gateway: TestGateway;
  let traefikGateway: TestGateway;
  let envoyGateway: TestGateway;
  let reader: Record<string, string>;

  before(async () => {
    issuer = await startIssuer();
    gateway = await startFor(issuer, 'nginx');
    traefikGateway = await startFor(issuer, 'traefik');
    envoyGateway = await startFor(issuer, 'envoy');
    reader = { authorization: `Bearer ${await issuer.token({ scope: 'read:data' })}` };
  });

  after(async () => {
    await Promise.all([gateway.close(), traefikGateway.close(), envoyGateway.close()]);
    await issuer.close();
  });

  it('answers 200 with the identity headers for a good token (Traefik headers)', async () => {
    const reply = await send(traefikGateway.url, '/_tollgate/auth', {
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
    const allowed = await send(envoyGateway.url, '/_tollgate/auth/api/items?x=1', {
      method: 'DELETE',
      headers: reader,
    });
    assert.equal(allowed.status, 200);
    assert.equal(allowed.headers['x-tollgate-subject'], 'user-42');
    const refused = await send(envoyGateway.url, '/_tollgate/auth/admin/users', { headers: reader });
    assert.equal(refused.status, 403);
  });

  it('answers 401 with a bare challenge without a token and invalid_token for a bad one', async () => {
    const bare = await send(gateway.url, '/_tollgate/auth', { headers: nginx('GET', '/api/items') });
    assert.equal(bare.status, 401);
    assert.match(
      String(bare.headers['www-authenticate']),
      /^Bearer realm="[^"]+", DPoP realm="[^"]+", algs="ES256 EdDSA"$/,
    );
    const bad = await send(traefikGateway.url, '/_tollgate/auth', {
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
      const reply = await send(traefikGateway.url, '/_tollgate/auth', {
        headers: { ...reader, ...traefik('GET', uri) },
      });
      assert.equal(reply.status, 403, `${uri} was not judged as /admin`);
    }
    for (const uri of ['/public/..%2Fadmin', '/admin;x', '/public/..;/admin', '/ADMIN']) {
      const reply = await send(traefikGateway.url, '/_tollgate/auth', { headers: traefik('GET', uri) });
      assert.equal(reply.status, 400, `${uri} was not refused`);
      assert.equal(reply.json().error, 'invalid_request');
      // nginx would answer its client 500 for a 400, so the nginx mode denies with 403 instead.
      const denied = await send(gateway.url, '/_tollgate/auth', { headers: nginx('GET', uri) });
      assert.equal(denied.status, 403, `${uri} was not denied`);
      assert.equal(denied.json().error, 'invalid_request');
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
    assert.equal(unnamed.status, 403, 'a check that names no original request is denied');
  });

  it('allows public routes without a token and without identity headers', async () => {
    const reply = await send(traefikGateway.url, '/_tollgate/auth', {
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

describe('forward-auth reads only the configured proxy, and only from trustProxy peers', () => {
  let issuer: TestIssuer;
  const gateways = new Map<Mode, TestGateway>();
  let untrusted: TestGateway;
  let reader: Record<string, string>;

  before(async () => {
    issuer = await startIssuer();
    for (const mode of ['nginx', 'traefik', 'envoy'] as const) gateways.set(mode, await startFor(issuer, mode));
    // 127.0.0.1, where the test connects from, is not the listed proxy.
    untrusted = await startFor(issuer, 'nginx', ['192.0.2.10']);
    reader = { authorization: `Bearer ${await issuer.token({ scope: 'read:data' })}` };
  });

  after(async () => {
    await Promise.all([...gateways.values(), untrusted].map((gateway) => gateway.close()));
    await issuer.close();
  });

  const url = (mode: Mode) => gateways.get(mode)?.url ?? assert.fail(`no ${mode} gateway`);

  it('nginx mode judges X-Original-URI, never a client-sent X-Forwarded-Uri', async () => {
    const spoofed = { ...nginx('GET', '/admin/users'), ...traefik('GET', '/public/x') };
    const reply = await send(url('nginx'), '/_tollgate/auth', { headers: spoofed });
    assert.equal(reply.status, 401);
    const alone = await send(url('nginx'), '/_tollgate/auth', { headers: traefik('GET', '/public/x') });
    assert.equal(alone.status, 403);
    const envoyStyle = await send(url('nginx'), '/_tollgate/auth/public/x', { headers: reader });
    assert.equal(envoyStyle.status, 403);
  });

  it('traefik mode judges X-Forwarded-Uri, never X-Original-URI or the path', async () => {
    const spoofed = { ...traefik('GET', '/admin/users'), ...nginx('GET', '/public/x') };
    const reply = await send(url('traefik'), '/_tollgate/auth/public/x', { headers: spoofed });
    assert.equal(reply.status, 401);
    const alone = await send(url('traefik'), '/_tollgate/auth', { headers: nginx('GET', '/public/x') });
    assert.equal(alone.status, 403);
  });

  it('envoy mode judges the path after the endpoint, never a header', async () => {
    const spoofed = { ...traefik('GET', '/public/x'), ...nginx('GET', '/public/x') };
    const reply = await send(url('envoy'), '/_tollgate/auth/admin/users', { headers: spoofed });
    assert.equal(reply.status, 401);
    const unnamed = await send(url('envoy'), '/_tollgate/auth', { headers: spoofed });
    assert.equal(unnamed.status, 403);
  });

  it('denies a check whose method or URI header comes twice, instead of picking one', async () => {
    const head = (extra: string) =>
      `GET /_tollgate/auth HTTP/1.1\r\nHost: gw\r\nX-Original-Method: GET\r\nX-Original-URI: /admin/users\r\n${extra}`;
    const twoUris = await sendRaw(url('nginx'), head('X-Original-URI: /public/x'));
    assert.equal(twoUris.status, 403);
    const twoMethods = await sendRaw(url('nginx'), head('X-Original-Method: GET'));
    assert.equal(twoMethods.status, 403);
  });

  it('denies every check from a peer not listed in trustProxy, even for a public route', async () => {
    const publicRoute = await send(untrusted.url, '/_tollgate/auth', { headers: nginx('GET', '/public/x') });
    assert.equal(publicRoute.status, 403);
    assert.equal(publicRoute.json().error, 'invalid_request');
    assert.match(String(publicRoute.json().error_description), /trustProxy/);
    const withToken = await send(untrusted.url, '/_tollgate/auth', { headers: { ...reader, ...nginx('GET', '/api') } });
    assert.equal(withToken.status, 403);
    assert.equal(withToken.headers['x-tollgate-subject'], undefined);
  });
});
