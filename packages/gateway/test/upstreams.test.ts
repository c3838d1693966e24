import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startTestGateway, type TestGateway } from './support/gateway.js';
import { send } from './support/http.js';
import { API, startIssuer, type TestIssuer } from './support/issuer.js';
import { startUpstream, type TestUpstream } from './support/upstream.js';

async function unusedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** The access line of `path`, once the gateway has written it (it does when the exchange has ended on its side). */
async function loggedLine(gateway: TestGateway, path: string): Promise<Record<string, unknown>> {
  for (let looks = 0; looks < 1_000; looks += 1) {
    const line = gateway.logs().find((logged) => logged.path === path);
    if (line !== undefined) return line;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`no access line for ${path}`);
}

describe('upstream failures and streaming', () => {
  let issuer: TestIssuer;
  let upstream: TestUpstream;
  let gateway: TestGateway;
  let deadPort: number;
  let auth: Record<string, string>;

  before(async () => {
    issuer = await startIssuer();
    upstream = await startUpstream();
    deadPort = await unusedPort();
    gateway = await startTestGateway(issuer.url, {
      timeouts: { connectMs: 1000, upstreamMs: 300, idleMs: 5000 },
      routes: [
        { path: '/down', upstream: `http://127.0.0.1:${deadPort}/internal-base` },
        { path: '/', upstream: upstream.url },
      ],
    });
    auth = { authorization: `Bearer ${await issuer.token()}` };
  });

  after(async () => {
    await gateway.close();
    await Promise.all([issuer.close(), upstream.close()]);
  });

  it('answers 502 bad_gateway when the upstream is down, without naming its address', async () => {
    const reply = await send(gateway.url, '/down/x', { headers: auth });
    assert.equal(reply.status, 502);
    assert.equal(reply.json().error, 'bad_gateway');
    assert.ok(!reply.text.includes(String(deadPort)) && !reply.text.includes('127.0.0.1'), reply.text);
    assert.ok(!reply.text.includes('ECONNREFUSED'));
    const logged = gateway.logs().find((line) => line.path === '/down/x');
    assert.equal(logged?.status, 502);
    assert.equal(logged?.upstreamError, 'ECONNREFUSED', 'the cause goes to the log');
  });

  it('answers 502 to a POST with a body when the upstream is down, instead of resetting the connection', async () => {
    const reply = await send(gateway.url, '/down/x', { method: 'POST', headers: auth, body: 'x'.repeat(100_000) });
    assert.equal(reply.status, 502);
  });

  it('answers 504 gateway_timeout when the upstream is slower than timeouts.upstreamMs', async () => {
    const started = performance.now();
    const reply = await send(gateway.url, '/slow', { headers: { ...auth, 'x-test-delay-ms': '4000' } });
    assert.equal(reply.status, 504);
    assert.equal(reply.json().error, 'gateway_timeout');
    // undici checks timeouts on a ~500 ms tick: 300 ms can become about a second, never the upstream's 4.
    assert.ok(performance.now() - started < 3000, 'the gateway waited for the upstream instead of timing out');
  });

  it('streams the response: the first chunk arrives while the upstream is still sending', async () => {
    const url = new URL(gateway.url);
    const first = await new Promise<{ chunk: string; rest: Promise<string> }>((resolve, reject) => {
      const req = request(
        { host: url.hostname, port: url.port, path: '/stream', headers: { ...auth, 'x-test-hold': '1' } },
        (res) => {
          let rest = '';
          const ended = new Promise<string>((done) => res.on('end', () => done(rest)));
          res.once('data', (chunk: Buffer) => {
            res.on('data', (more: Buffer) => {
              rest += more.toString();
            });
            resolve({ chunk: chunk.toString(), rest: ended });
          });
        },
      );
      req.on('error', reject);
      req.end();
    });
    assert.equal(first.chunk, 'first chunk\n');
    upstream.release();
    assert.equal(await first.rest, 'last chunk\n');
  });

  it('logs a complete exchange with its status, and 499 when the client went away before the response ended', async () => {
    const url = new URL(gateway.url);
    await new Promise<void>((resolve) => {
      // The first chunk is in, the upstream holds the rest: the client hangs up mid-response.
      const req = request(
        { host: url.hostname, port: url.port, path: '/gone', headers: { ...auth, 'x-test-hold': '1' } },
        (res) => res.once('data', () => req.destroy()),
      );
      req.on('error', () => {});
      req.on('close', () => resolve());
      req.end();
    });
    assert.equal((await loggedLine(gateway, '/gone')).status, 499);
    upstream.release();
    await send(gateway.url, '/complete', { headers: auth });
    assert.equal((await loggedLine(gateway, '/complete')).status, 200);
  });

  it('answers Expect: 100-continue only after the token was accepted', async () => {
    const head = (token: string) =>
      `PUT /upload HTTP/1.1\r\nHost: g\r\n${token}Content-Length: 5\r\nExpect: 100-continue\r\n\r\n`;
    const firstLine = (text: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = connect(Number(new URL(gateway.url).port), '127.0.0.1', () => socket.write(text));
        socket.once('data', (chunk: Buffer) => {
          resolve(chunk.toString().split('\r\n')[0] ?? '');
          socket.destroy();
        });
        socket.on('error', reject);
      });
    assert.equal(await firstLine(head('')), 'HTTP/1.1 401 Unauthorized');
    assert.equal(await firstLine(head(`Authorization: ${auth.authorization}\r\n`)), 'HTTP/1.1 100 Continue');
  });
});

const UPLOAD_BYTES = 50 * 1024 * 1024;

/** Asks the gateway process for the peak of its live memory since the last question. */
function livePeak(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    child.once('message', (message: { peak: number }) => resolve(message.peak));
    child.send('peak');
  });
}

describe('a 50 MB upload', () => {
  it('streams through a gateway process whose live memory grows far less than the upload', async (context) => {
    const issuer = await startIssuer();
    const upstream = await startUpstream();
    const config = {
      issuer: issuer.url,
      audience: API,
      listen: { port: 0 },
      logLevel: 'warn',
      routes: [{ path: '/', upstream: upstream.url }],
    };
    const script = fileURLToPath(new URL('./support/gateway-process.js', import.meta.url));
    const child = spawn(process.execPath, ['--expose-gc', script], {
      env: { ...withoutRedisUrl(process.env), TEST_GATEWAY_CONFIG: JSON.stringify(config) },
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    });
    context.after(async () => {
      child.kill('SIGTERM');
      await Promise.all([issuer.close(), upstream.close()]);
    });
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout?.on('data', (chunk: Buffer) => {
        const match = /listening (\S+)/.exec(chunk.toString());
        if (match?.[1]) resolve(match[1]);
      });
      child.once('exit', (code) => reject(new Error(`gateway process exited with ${code}`)));
    });
    const auth = { authorization: `Bearer ${await issuer.token()}` };
    // Warm up, so connection pools and compiled code are not counted as upload memory.
    await send(url, '/warm', { method: 'POST', headers: auth, body: 'x'.repeat(1024 * 1024) });
    const baseline = await livePeak(child);

    const chunk = Buffer.alloc(64 * 1024, 7);
    const expected = createHash('sha256');
    async function* body() {
      for (let sent = 0; sent < UPLOAD_BYTES; sent += chunk.length) {
        expected.update(chunk);
        yield chunk;
      }
    }
    const reply = await send(url, '/upload', {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/octet-stream', 'content-length': String(UPLOAD_BYTES) },
      body: Readable.from(body()),
    });
    assert.equal(reply.status, 200);
    const seen = reply.json<{ bodyBytes: number; bodySha256: string }>();
    assert.equal(seen.bodyBytes, UPLOAD_BYTES);
    assert.equal(seen.bodySha256, expected.digest('hex'));
    const growth = (await livePeak(child)) - baseline;
    context.diagnostic(
      `gateway live memory peaked ${(growth / 1024 / 1024).toFixed(1)} MB above idle during a 50 MB upload`,
    );
    assert.ok(growth < UPLOAD_BYTES / 5, `live memory grew by ${growth} bytes: the upload was buffered`);
  });
});

/** CI sets REDIS_URL for the Redis tests; these gateways keep their rate limits in process. */
function withoutRedisUrl(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { REDIS_URL: _redisUrl, ...rest } = env;
  return rest;
}
