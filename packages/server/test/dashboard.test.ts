import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { brotliCompressSync, brotliDecompressSync, constants, gunzipSync, gzipSync } from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import { applyCacheHeaders } from '../src/http/endpoints.js';
import { DASHBOARD_SECURITY_HEADERS, registerDashboardRoutes } from '../src/routes/dashboard.js';
import { tempDir } from './temp-dir.js';

const INDEX = `<!doctype html><html><head><script type="module" src="/dashboard/assets/app-1a2b.js"></script></head><body>${'<p>Tollgate</p>'.repeat(40)}</body></html>`;
const SCRIPT = `console.log(${JSON.stringify('x'.repeat(2000))});`;
/** An ICO header for one 16x16 image: enough to tell the icon's bytes from anything else. */
const ICON = Buffer.from([0, 0, 1, 0, 1, 0, 16, 16, 0, 0, 1, 0, 32, 0]);

function builtDashboard(): string {
  const dir = tempDir('tollgate-dashboard-');
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), INDEX);
  writeFileSync(join(dir, 'assets', 'app-1a2b.js'), SCRIPT);
  writeFileSync(join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(join(dir, 'favicon.ico'), ICON);
  return dir;
}

async function appServing(assetsDir: string | undefined): Promise<FastifyInstance> {
  const app = Fastify();
  app.addHook('onSend', applyCacheHeaders);
  registerDashboardRoutes(app, { assetsDir: async () => assetsDir });
  await app.ready();
  after(() => app.close());
  return app;
}

function assertSecurityHeaders(headers: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(DASHBOARD_SECURITY_HEADERS)) assert.equal(headers[name], value, name);
}

describe('the dashboard files', async () => {
  const app = await appServing(builtDashboard());

  it('serves index.html at /dashboard/, revalidated on every load, with the security headers', async () => {
    const response = await app.inject({ method: 'GET', url: '/dashboard/' });
    assert.equal(response.statusCode, 200);
    assert.equal(response.body, INDEX);
    assert.match(String(response.headers['content-type']), /^text\/html/);
    assert.equal(response.headers['cache-control'], 'no-cache');
    assert.match(String(response.headers.etag), /^"[\w-]+"$/);
    assertSecurityHeaders(response.headers);
    assert.match(String(response.headers['content-security-policy']), /script-src 'self';/);
  });

  it('answers any path of the app with index.html (client-side routing)', async () => {
    for (const url of ['/dashboard', '/dashboard/tokens', '/dashboard/admin/users/42']) {
      const response = await app.inject({ method: 'GET', url });
      assert.equal(response.statusCode, 200, url);
      assert.equal(response.body, INDEX, url);
    }
  });

  it('caches hashed assets for a year and serves top-level files as themselves', async () => {
    const script = await app.inject({ method: 'GET', url: '/dashboard/assets/app-1a2b.js' });
    assert.equal(script.statusCode, 200);
    assert.equal(script.body, SCRIPT);
    assert.equal(script.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.match(String(script.headers['content-type']), /^text\/javascript/);
    assertSecurityHeaders(script.headers);
    const icon = await app.inject({ method: 'GET', url: '/dashboard/favicon.svg' });
    assert.equal(icon.headers['content-type'], 'image/svg+xml');
    assert.equal(icon.headers['cache-control'], 'public, max-age=86400');
  });

  it('serves the icon at /favicon.ico, where browsers ask for it, cached for a day', async () => {
    const icon = await app.inject({ method: 'GET', url: '/favicon.ico' });
    assert.equal(icon.statusCode, 200);
    assert.deepEqual(icon.rawPayload, ICON);
    assert.equal(icon.headers['content-type'], 'image/x-icon');
    assert.equal(icon.headers['cache-control'], 'public, max-age=86400');
    assertSecurityHeaders(icon.headers);
    const again = await app.inject({
      method: 'GET',
      url: '/favicon.ico',
      headers: { 'if-none-match': String(icon.headers.etag) },
    });
    assert.equal(again.statusCode, 304);
  });

  it('answers a missing asset 404 rather than with index.html', async () => {
    const response = await app.inject({ method: 'GET', url: '/dashboard/assets/gone-0000.js' });
    assert.equal(response.statusCode, 404);
    assert.equal(response.headers['cache-control'], 'no-store');
    assertSecurityHeaders(response.headers);
  });

  it('sends brotli or gzip as the client accepts them, with Vary and distinct ETags', async () => {
    const url = '/dashboard/assets/app-1a2b.js';
    const br = await app.inject({ method: 'GET', url, headers: { 'accept-encoding': 'gzip, deflate, br' } });
    assert.equal(br.headers['content-encoding'], 'br');
    assert.equal(br.headers.vary, 'Accept-Encoding');
    assert.equal(brotliDecompressSync(br.rawPayload).toString(), SCRIPT);
    const gz = await app.inject({ method: 'GET', url, headers: { 'accept-encoding': 'gzip, br;q=0' } });
    assert.equal(gz.headers['content-encoding'], 'gzip');
    assert.equal(gunzipSync(gz.rawPayload).toString(), SCRIPT);
    const plain = await app.inject({ method: 'GET', url });
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.equal(new Set([br.headers.etag, gz.headers.etag, plain.headers.etag]).size, 3);
  });

  it('answers 304 to a matching If-None-Match', async () => {
    const first = await app.inject({ method: 'GET', url: '/dashboard/' });
    const again = await app.inject({
      method: 'GET',
      url: '/dashboard/',
      headers: { 'if-none-match': String(first.headers.etag) },
    });
    assert.equal(again.statusCode, 304);
    assert.equal(again.body, '');
  });

  it('redirects / to /dashboard/', async () => {
    const response = await app.inject({ method: 'GET', url: '/' });
    assert.equal(response.statusCode, 302);
    assert.equal(response.headers.location, '/dashboard/');
    assertSecurityHeaders(response.headers);
  });
});

describe("the build's compressed copies", async () => {
  const dir = builtDashboard();
  // Quality 1, which the server never uses itself: its answer shows whether it took the copy or compressed afresh.
  const scriptCopy = brotliCompressSync(SCRIPT, { params: { [constants.BROTLI_PARAM_QUALITY]: 1 } });
  writeFileSync(join(dir, 'assets', 'app-1a2b.js.br'), scriptCopy);
  // Left from an earlier build: not a copy of today's index.html.
  writeFileSync(join(dir, 'index.html.gz'), gzipSync('<!doctype html><p>an older build</p>'.repeat(20)));
  const app = await appServing(dir);

  it('are sent as they are, instead of compressing the file again', async () => {
    const url = '/dashboard/assets/app-1a2b.js';
    const br = await app.inject({ method: 'GET', url, headers: { 'accept-encoding': 'br' } });
    assert.equal(br.headers['content-encoding'], 'br');
    assert.deepEqual(br.rawPayload, scriptCopy);
  });

  it('are not served as files of their own', async () => {
    const response = await app.inject({ method: 'GET', url: '/dashboard/assets/app-1a2b.js.br' });
    assert.equal(response.statusCode, 404);
  });

  it('are ignored when they do not decompress to their file', async () => {
    const gz = await app.inject({ method: 'GET', url: '/dashboard/', headers: { 'accept-encoding': 'gzip' } });
    assert.equal(gz.headers['content-encoding'], 'gzip');
    assert.equal(gunzipSync(gz.rawPayload).toString(), INDEX);
  });
});

describe('a server without a built dashboard', () => {
  it('answers 503 saying to run npm run build', async () => {
    const app = await appServing(join(tempDir('tollgate-dashboard-'), 'missing'));
    for (const url of ['/dashboard/', '/dashboard/assets/app.js']) {
      const response = await app.inject({ method: 'GET', url });
      assert.equal(response.statusCode, 503, url);
      assert.match(response.body, /npm run build/);
      assertSecurityHeaders(response.headers);
    }
  });

  it('answers /favicon.ico 404', async () => {
    const app = await appServing(join(tempDir('tollgate-dashboard-'), 'missing'));
    const response = await app.inject({ method: 'GET', url: '/favicon.ico' });
    assert.equal(response.statusCode, 404);
    assert.equal(response.headers['cache-control'], 'no-store');
  });
});

describe('reading the dashboard', () => {
  it('happens on the first request for it, once, not when the server starts', async () => {
    const dir = builtDashboard();
    let lookups = 0;
    const app = Fastify();
    registerDashboardRoutes(app, {
      assetsDir: async () => {
        lookups += 1;
        return dir;
      },
    });
    await app.ready();
    after(() => app.close());
    assert.equal(lookups, 0, 'read while starting');
    const answers = await Promise.all(['/dashboard/', '/dashboard/tokens'].map((url) => app.inject({ url })));
    assert.deepEqual(
      answers.map((answer) => answer.body),
      [INDEX, INDEX],
    );
    assert.equal((await app.inject({ url: '/dashboard/assets/app-1a2b.js' })).body, SCRIPT);
    assert.equal(lookups, 1);
  });
});
