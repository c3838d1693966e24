/**
 * Forward-auth behind a real nginx (`auth_request`), with the configuration documented in
 * src/forward-auth.ts. Skipped, saying why, when no nginx with the auth_request module is installed
 * (Debian: `apt-get install nginx-light`).
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { startTestGateway, type TestGateway } from './support/gateway.js';
import { send } from './support/http.js';
import { startIssuer, type TestIssuer } from './support/issuer.js';
import { startUpstream, type TestUpstream } from './support/upstream.js';

function findNginx(): string | undefined {
  for (const candidate of ['nginx', '/usr/sbin/nginx', '/usr/local/sbin/nginx']) {
    const probe = spawnSync(candidate, ['-V'], { encoding: 'utf8' });
    if (probe.status === 0 && /http_auth_request_module/.test(`${probe.stderr}${probe.stdout}`)) return candidate;
  }
  return undefined;
}

const NGINX = findNginx();
const SKIP =
  NGINX === undefined ? 'nginx with the auth_request module is not installed (apt-get install nginx-light)' : false;

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return typeof address === 'object' && address !== null ? address.port : 0;
}

async function waitForPort(port: number, child: ChildProcess, errorLog: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (child.exitCode !== null) assert.fail(`nginx exited: ${readFileSync(errorLog, 'utf8')}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    await delay(50);
  }
  assert.fail('nginx did not start listening');
}

/** The documented auth location clears the Traefik headers; `clearTraefikHeaders: false` is the snippet as it was. */
function server(port: number, gateway: string, upstream: string, clearTraefikHeaders: boolean): string {
  const clear = clearTraefikHeaders
    ? 'proxy_set_header X-Forwarded-Method "";\n      proxy_set_header X-Forwarded-Uri "";'
    : '';
  return `
  server {
    listen 127.0.0.1:${port};
    location = /_tollgate/auth {
      internal;
      proxy_pass ${gateway};
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
      proxy_set_header X-Original-Method $request_method;
      proxy_set_header X-Original-URI $request_uri;
      ${clear}
    }
    location / {
      auth_request /_tollgate/auth;
      auth_request_set $tollgate_subject $upstream_http_x_tollgate_subject;
      auth_request_set $tollgate_client $upstream_http_x_tollgate_client;
      auth_request_set $tollgate_scopes $upstream_http_x_tollgate_scopes;
      proxy_set_header X-Tollgate-Subject $tollgate_subject;
      proxy_set_header X-Tollgate-Client $tollgate_client;
      proxy_set_header X-Tollgate-Scopes $tollgate_scopes;
      proxy_pass ${upstream};
    }
  }`;
}

function nginxConfig(folder: string, ports: [number, number], gateway: string, upstream: string): string {
  return `
daemon off;
master_process off;
worker_processes 1;
pid ${folder}/nginx.pid;
error_log ${folder}/error.log warn;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${folder}/body;
  proxy_temp_path ${folder}/proxy;
  fastcgi_temp_path ${folder}/fastcgi;
  uwsgi_temp_path ${folder}/uwsgi;
  scgi_temp_path ${folder}/scgi;
${server(ports[0], gateway, upstream, true)}
${server(ports[1], gateway, upstream, false)}
}
`;
}

describe('forward-auth behind a real nginx auth_request', { skip: SKIP }, () => {
  let issuer: TestIssuer;
  let upstream: TestUpstream;
  let gateway: TestGateway;
  let nginx: ChildProcess;
  let folder: string;
  let nginxUrl: string;
  /** The same nginx with the auth location as documented before: Traefik headers not cleared. */
  let unclearedUrl: string;

  before(async () => {
    issuer = await startIssuer();
    upstream = await startUpstream();
    gateway = await startTestGateway(issuer.url, {
      trustProxy: ['127.0.0.1'],
      forwardAuth: { enabled: true, mode: 'nginx' },
      routes: [
        { path: '/api', upstream: upstream.url, scopes: ['read:data'] },
        { path: '/admin', upstream: upstream.url, scopes: ['admin'] },
        { path: '/public', upstream: upstream.url, public: true },
      ],
    });
    folder = mkdtempSync(join(tmpdir(), 'tollgate-nginx-'));
    const ports: [number, number] = [await freePort(), await freePort()];
    const conf = join(folder, 'nginx.conf');
    writeFileSync(conf, nginxConfig(folder, ports, gateway.url, upstream.url));
    const errorLog = join(folder, 'error.log');
    nginx = spawn(NGINX as string, ['-p', folder, '-c', conf, '-e', errorLog], { stdio: 'ignore' });
    for (const port of ports) await waitForPort(port, nginx, errorLog);
    nginxUrl = `http://127.0.0.1:${ports[0]}`;
    unclearedUrl = `http://127.0.0.1:${ports[1]}`;
  });

  after(async () => {
    nginx?.kill('SIGTERM');
    await gateway?.close();
    await Promise.all([issuer?.close(), upstream?.close()]);
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  const last = () => upstream.received[upstream.received.length - 1];

  it('lets a good token through with the identity headers nginx got from the gateway', async () => {
    const token = await issuer.token({ scope: 'read:data' });
    const reply = await send(nginxUrl, '/api/items?x=1', {
      headers: { authorization: `Bearer ${token}`, 'X-Tollgate-Subject': 'spoofed' },
    });
    assert.equal(reply.status, 200);
    assert.equal(last()?.path, '/api/items?x=1');
    assert.equal(last()?.headers['x-tollgate-subject'], 'user-42');
    assert.equal(last()?.headers['x-tollgate-client'], 'client-7');
    assert.equal(last()?.headers['x-tollgate-scopes'], 'read:data');
  });

  it('turns the gateway 401 into an nginx 401 with the Bearer challenge, and the upstream is not called', async () => {
    const before = upstream.received.length;
    const bare = await send(nginxUrl, '/api/items');
    assert.equal(bare.status, 401);
    assert.match(String(bare.headers['www-authenticate']), /^Bearer realm=/);
    const bad = await send(nginxUrl, '/api/items', { headers: { authorization: 'Bearer x.y.z' } });
    assert.equal(bad.status, 401);
    assert.match(String(bad.headers['www-authenticate']), /error="invalid_token"/);
    assert.equal(upstream.received.length, before);
  });

  it('turns a missing scope into 403', async () => {
    const token = await issuer.token({ scope: 'read:data' });
    const reply = await send(nginxUrl, '/admin/users', { headers: { authorization: `Bearer ${token}` } });
    assert.equal(reply.status, 403);
  });

  it('judges the raw request URI, so /public/../admin needs the admin scope', async () => {
    const before = upstream.received.length;
    const reply = await send(nginxUrl, '/public/../admin/users');
    assert.equal(reply.status, 401);
    assert.equal(upstream.received.length, before);
  });

  it('passes public requests without identity, dropping a spoofed X-Tollgate-Subject', async () => {
    const reply = await send(nginxUrl, '/public/page', { headers: { 'X-Tollgate-Subject': 'admin' } });
    assert.equal(reply.status, 200);
    assert.equal(last()?.headers['x-tollgate-subject'], undefined);
  });

  it('judges the URI nginx saw, never a client-sent X-Forwarded-Uri (with or without the snippet clearing it)', async () => {
    const token = await issuer.token({ scope: 'read:data' });
    for (const base of [nginxUrl, unclearedUrl]) {
      const before = upstream.received.length;
      const spoofed = { 'X-Forwarded-Uri': '/public/x', 'X-Forwarded-Method': 'GET' };
      const anonymous = await send(base, '/admin/users', { headers: spoofed });
      assert.equal(anonymous.status, 401, base);
      const reader = await send(base, '/admin/users', { headers: { ...spoofed, authorization: `Bearer ${token}` } });
      assert.equal(reader.status, 403, base);
      assert.equal(upstream.received.length, before, `${base} forwarded /admin/users`);
    }
  });

  it('turns a malformed request the gateway refuses into 403, never an nginx 500', async () => {
    const before = upstream.received.length;
    for (const path of ['/public/..%2Fadmin', '/admin;x', '/ADMIN/users']) {
      const reply = await send(nginxUrl, path);
      assert.equal(reply.status, 403, path);
    }
    assert.equal(upstream.received.length, before);
  });
});
