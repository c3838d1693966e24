import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestGateway, type TestGateway } from './support/gateway.js';
import { send, sendRaw } from './support/http.js';
import { OTHER_API, startIssuer, type TestIssuer } from './support/issuer.js';
import { startUpstream, type TestUpstream } from './support/upstream.js';

describe('the gateway in front of an API without auth', () => {
  let issuer: TestIssuer;
  let protectedApi: TestUpstream;
  let publicSite: TestUpstream;
  let gateway: TestGateway;
  let token: string;

  before(async () => {
    issuer = await startIssuer();
    protectedApi = await startUpstream();
    publicSite = await startUpstream();
    gateway = await startTestGateway(issuer.url, {
      routes: [
        { path: '/admin', upstream: protectedApi.url, scopes: ['admin'] },
        { path: '/data', upstream: `${protectedApi.url}/base`, scopes: 'read:data' },
        { path: '/data/export', methods: ['GET'], upstream: protectedApi.url, anyScopes: ['export', 'admin'] },
        { path: '/v1', upstream: protectedApi.url, stripPrefix: true },
        { path: '/public', upstream: publicSite.url, public: true },
        // The dangerous layout: everything public except /admin, on the same upstream.
        { path: '/', upstream: protectedApi.url, public: true },
      ],
    });
    token = await issuer.token({ scope: 'read:data admin' });
  });

  after(async () => {
    await gateway.close();
    await Promise.all([issuer.close(), protectedApi.close(), publicSite.close()]);
  });

  const bearer = (value: string) => ({ authorization: `Bearer ${value}` });
  const lastReceived = (upstream: TestUpstream) => upstream.received[upstream.received.length - 1];

  it('forwards a valid token as identity headers, without the token, with X-Forwarded-*', async () => {
    const reply = await send(gateway.url, '/data/items?page=2', { headers: bearer(token) });
    assert.equal(reply.status, 200);
    const seen = reply.json<{ path: string; headers: Record<string, string> }>();
    assert.equal(seen.path, '/base/data/items?page=2');
    assert.equal(seen.headers['x-tollgate-subject'], 'user-42');
    assert.equal(seen.headers['x-tollgate-client'], 'client-7');
    assert.equal(seen.headers['x-tollgate-scopes'], 'read:data admin');
    assert.equal(seen.headers.authorization, undefined);
    assert.equal(seen.headers['x-forwarded-for'], '127.0.0.1');
    assert.equal(seen.headers['x-forwarded-proto'], 'http');
    assert.equal(seen.headers['x-forwarded-host'], new URL(gateway.url).host);
    assert.equal(seen.headers.host, new URL(protectedApi.url).host);
  });

  it('refuses a request without a token with a bare Bearer challenge and never calls the upstream', async () => {
    const before = protectedApi.received.length;
    const reply = await send(gateway.url, '/data');
    assert.equal(reply.status, 401);
    assert.match(
      String(reply.headers['www-authenticate']),
      /^Bearer realm="https:\/\/api\.example\.test", DPoP realm="https:\/\/api\.example\.test", algs="ES256 EdDSA"$/,
    );
    assert.equal(protectedApi.received.length, before);
  });

  it('refuses an expired token and a token for another API with 401 invalid_token', async () => {
    const now = Math.floor(Date.now() / 1000);
    const expired = await issuer.token({ iat: now - 3600, exp: now - 600, scope: 'read:data' });
    const elsewhere = await issuer.token({ aud: OTHER_API, scope: 'read:data' });
    for (const refused of [expired, elsewhere, 'not.a.jwt']) {
      const reply = await send(gateway.url, '/data', { headers: bearer(refused) });
      assert.equal(reply.status, 401);
      assert.match(String(reply.headers['www-authenticate']), /error="invalid_token"/);
      assert.equal(reply.json().error, 'invalid_token');
    }
  });

  it('answers 403 insufficient_scope with the scope attribute when a required scope is missing', async () => {
    const reader = await issuer.token({ scope: 'read:data' });
    const reply = await send(gateway.url, '/admin/users', { headers: bearer(reader) });
    assert.equal(reply.status, 403);
    assert.match(String(reply.headers['www-authenticate']), /error="insufficient_scope"/);
    assert.match(String(reply.headers['www-authenticate']), /scope="admin"/);
    const anyOf = await send(gateway.url, '/data/export', { headers: bearer(reader) });
    assert.equal(anyOf.status, 403, 'anyScopes needs one of export/admin');
    const exporter = await issuer.token({ scope: 'export' });
    assert.equal((await send(gateway.url, '/data/export', { headers: bearer(exporter) })).status, 200);
  });

  it('replaces spoofed identity headers with the verified ones', async () => {
    const reply = await send(gateway.url, '/data', {
      headers: {
        ...bearer(token),
        'X-Tollgate-Subject': 'admin',
        'x-tollgate-client': 'trusted-service',
        'X-TOLLGATE-SCOPES': 'everything',
        'X-Tollgate-Impersonate': 'root',
      },
    });
    const seen = lastReceived(protectedApi);
    assert.equal(reply.status, 200);
    assert.ok(seen);
    const identity = seen.rawHeaders.filter(
      (_, index) => index % 2 === 0 && /^x-tollgate-/i.test(seen.rawHeaders[index] ?? ''),
    );
    assert.deepEqual(identity.map((name) => name.toLowerCase()).sort(), [
      'x-tollgate-client',
      'x-tollgate-scopes',
      'x-tollgate-subject',
    ]);
    assert.equal(seen.headers['x-tollgate-subject'], 'user-42');
    assert.equal(seen.headers['x-tollgate-client'], 'client-7');
    assert.equal(seen.headers['x-tollgate-impersonate'], undefined);
  });

  it('strips identity headers on public routes too, and sends them no identity', async () => {
    const reply = await send(gateway.url, '/public/page', {
      headers: { 'X-Tollgate-Subject': 'admin', 'X-Tollgate-Scopes': 'admin', ...bearer(token) },
    });
    assert.equal(reply.status, 200);
    const seen = reply.json<{ headers: Record<string, string> }>();
    assert.equal(seen.headers['x-tollgate-subject'], undefined);
    assert.equal(seen.headers['x-tollgate-scopes'], undefined);
    assert.equal(seen.headers.authorization, undefined);
  });

  it('lets no spelling of a protected path reach its upstream without a token', async () => {
    const tricks = [
      '//admin',
      '/./admin',
      '/admin/.',
      '/%2e%2e/admin',
      '/%2E%2E/admin',
      '/public/../admin',
      '/public/%2e%2e/admin',
      '/public/.%2e/admin',
      '/public/..%2Fadmin',
      '/public%2F..%2Fadmin',
      '/admin%2F',
      '/admin%2fusers',
      '/admin;x',
      '/admin;/users',
      '/public/..;/admin',
      '/%61dmin',
      '/ADMIN',
      '/Admin/users',
      '/aDmIn%2Fusers',
      '/admin%00',
      '/admin%5Cusers',
      '/public/..%5Cadmin',
      '/admin%252e',
      '/data/../admin',
      '///admin///users',
      '/admin/../../admin',
    ];
    const start = protectedApi.received.length;
    for (const path of tricks) {
      const reply = await sendRaw(gateway.url, `GET ${path} HTTP/1.1\r\nHost: gateway.test`);
      assert.ok([400, 401].includes(reply.status), `${path}: answered ${reply.status}`);
    }
    const reached = protectedApi.received.slice(start).map((seen) => seen.path);
    assert.deepEqual(reached, [], 'a trick reached the upstream');
  });

  it('sends the normalised path upstream, so what is checked is what is served', async () => {
    for (const path of ['//admin//users', '/./admin/./users', '/public/../admin/users', '/%61dmin/users']) {
      const reply = await sendRaw(gateway.url, `GET ${path} HTTP/1.1\r\nHost: g\r\nAuthorization: Bearer ${token}`);
      assert.equal(reply.status, 200, path);
      assert.equal(lastReceived(protectedApi)?.path, '/admin/users', path);
    }
    assert.equal((await sendRaw(gateway.url, 'GET /Adminstration HTTP/1.1\r\nHost: g')).status, 200);
    assert.equal(
      lastReceived(protectedApi)?.path,
      '/Adminstration',
      'only a whole segment differing in case is refused',
    );
  });

  it('refuses duplicate Authorization headers with 400 invalid_request', async () => {
    const before = protectedApi.received.length;
    const reply = await sendRaw(
      gateway.url,
      `GET /data HTTP/1.1\r\nHost: g\r\nAuthorization: Bearer ${token}\r\nAuthorization: Bearer ${token}`,
    );
    assert.equal(reply.status, 400);
    assert.match(reply.text, /invalid_request/);
    assert.equal(protectedApi.received.length, before);
  });

  it('refuses a request with both Content-Length and Transfer-Encoding (request smuggling)', async () => {
    const before = protectedApi.received.length;
    const reply = await sendRaw(
      gateway.url,
      `POST /data HTTP/1.1\r\nHost: g\r\nAuthorization: Bearer ${token}\r\nContent-Length: 4\r\nTransfer-Encoding: chunked`,
    );
    assert.equal(reply.status, 400);
    assert.equal(protectedApi.received.length, before);
  });

  it('refuses a token in the query string instead of forwarding it', async () => {
    const reply = await send(gateway.url, `/data?access_token=${token}`);
    assert.equal(reply.status, 400);
  });

  it('strips hop-by-hop headers and those named in Connection, both ways', async () => {
    const reply = await sendRaw(
      gateway.url,
      [
        'GET /data HTTP/1.1',
        'Host: g',
        `Authorization: Bearer ${token}`,
        'Connection: keep-alive, X-Private-Hop',
        'X-Private-Hop: secret',
        'Keep-Alive: timeout=99',
        'TE: trailers',
        'Trailer: X-Whatever',
        'Proxy-Authorization: Basic c2VjcmV0',
        'Proxy-Connection: keep-alive',
        'X-End-To-End: kept',
      ].join('\r\n'),
    );
    assert.equal(reply.status, 200);
    const seen = lastReceived(protectedApi);
    assert.ok(seen);
    for (const name of ['x-private-hop', 'keep-alive', 'te', 'trailer', 'proxy-authorization', 'proxy-connection']) {
      assert.equal(seen.headers[name], undefined, `${name} reached the upstream`);
    }
    assert.equal(seen.headers['x-end-to-end'], 'kept');
    assert.equal(reply.headers['x-upstream-private'], undefined, 'a Connection-named response header came back');
    assert.equal(reply.headers['keep-alive'], undefined);
    assert.equal(reply.headers['x-upstream-public'], 'end-to-end');
  });

  it('never lets Host choose the upstream', async () => {
    const host = `127.0.0.1:${publicSite.port}`;
    const reply = await sendRaw(gateway.url, `GET /data HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${token}`);
    assert.equal(reply.status, 200);
    const seen = lastReceived(protectedApi);
    assert.equal(seen?.headers.host, new URL(protectedApi.url).host);
    assert.equal(seen?.headers['x-forwarded-host'], host);
  });

  it('strips the prefix when the route says so', async () => {
    assert.equal((await send(gateway.url, '/v1/items/3?x=y', { headers: bearer(token) })).status, 200);
    assert.equal(lastReceived(protectedApi)?.path, '/items/3?x=y');
    assert.equal((await send(gateway.url, '/v1', { headers: bearer(token) })).status, 200);
    assert.equal(lastReceived(protectedApi)?.path, '/');
  });

  it('matches prefixes on whole segments and refuses methods a route does not take', async () => {
    const database = await send(gateway.url, '/database');
    assert.equal(database.status, 200, '/database is not under /data: it falls to the public catch-all');
    assert.equal(lastReceived(protectedApi)?.path, '/database');
    assert.equal(lastReceived(protectedApi)?.headers['x-tollgate-subject'], undefined);
    const post = await send(gateway.url, '/data/export', { method: 'POST', headers: bearer(token) });
    assert.equal(post.status, 405);
    assert.equal(post.headers.allow, 'GET, HEAD');
  });

  it('logs method, route, path, status, latency, subject and client, and never the token', async () => {
    await send(gateway.url, '/data/logged?secret=query', { headers: bearer(token) });
    await send(gateway.url, '/data', { headers: bearer('garbage.token.value') });
    const entry = gateway.logs().find((line) => line.path === '/data/logged');
    assert.ok(entry, 'no access-log line for the request');
    assert.equal(entry.method, 'GET');
    assert.equal(entry.route, '/data');
    assert.equal(entry.status, 200);
    assert.equal(typeof entry.latencyMs, 'number');
    assert.equal(entry.subject, 'user-42');
    assert.equal(entry.client_id, 'client-7');
    const raw = gateway.rawLogs();
    assert.ok(!raw.includes(token), 'the token is in the log');
    assert.ok(!raw.includes(token.split('.')[2] ?? '-'), 'the token signature is in the log');
    assert.ok(!raw.includes('garbage.token.value'));
    assert.ok(!raw.includes('secret=query'), 'the query string is in the log');
    assert.ok(!/bearer/i.test(raw));
  });
});

describe('a gateway with forwardToken on', () => {
  it('passes the Authorization header on to the upstream', async (context) => {
    const issuer = await startIssuer();
    const upstream = await startUpstream();
    const gateway = await startTestGateway(issuer.url, {
      forwardToken: true,
      routes: [{ path: '/', upstream: upstream.url }],
    });
    context.after(async () => {
      await gateway.close();
      await Promise.all([issuer.close(), upstream.close()]);
    });
    const token = await issuer.token();
    const reply = await send(gateway.url, '/x', { headers: { authorization: `Bearer ${token}` } });
    assert.equal(reply.status, 200);
    assert.equal(upstream.received[0]?.headers.authorization, `Bearer ${token}`);
  });
});

describe('a gateway with its own identity header names', () => {
  it('sends the identity under the configured names and strips client copies of them', async (context) => {
    const issuer = await startIssuer();
    const upstream = await startUpstream();
    const gateway = await startTestGateway(issuer.url, {
      identityHeaders: { subject: 'X-User', client: 'X-Client-App', scopes: 'X-Granted' },
      routes: [
        { path: '/open', upstream: upstream.url, public: true },
        { path: '/', upstream: upstream.url },
      ],
    });
    context.after(async () => {
      await gateway.close();
      await Promise.all([issuer.close(), upstream.close()]);
    });
    const spoofed = { 'X-User': 'admin', 'x-client-app': 'trusted', 'X-Granted': 'all', 'X-Tollgate-Subject': 'admin' };
    const token = await issuer.token();
    await send(gateway.url, '/x', { headers: { ...spoofed, authorization: `Bearer ${token}` } });
    const seen = upstream.received[0]?.headers;
    assert.equal(seen?.['x-user'], 'user-42');
    assert.equal(seen?.['x-client-app'], 'client-7');
    assert.equal(seen?.['x-granted'], 'read:data write:data');
    assert.equal(seen?.['x-tollgate-subject'], undefined);
    await send(gateway.url, '/open', { headers: spoofed });
    const open = upstream.received[1]?.headers;
    assert.deepEqual(
      [open?.['x-user'], open?.['x-client-app'], open?.['x-granted']],
      [undefined, undefined, undefined],
    );
  });
});
