import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generateEncryptionSecret } from '@tollgate/core';
import { loadConfig } from '../src/config-load.js';
import { createLogger } from '../src/logging.js';
import { Readiness } from '../src/readiness.js';
import { startServer } from '../src/start.js';
import { tempDir } from './temp-dir.js';

describe('readiness', () => {
  it('is ready while the database answers, and says why not when it fails', async () => {
    let up = true;
    const readiness = new Readiness({ ping: async () => (up ? undefined : Promise.reject(new Error('ECONNREFUSED'))) });
    assert.deepEqual(await readiness.check(), { ready: true });
    up = false;
    assert.deepEqual(await readiness.check(), { ready: false, reason: 'the database is unavailable' });
    up = true;
    assert.deepEqual(await readiness.check(), { ready: true }, 'no verdict is cached');
  });

  it('gives up on a database that does not answer within the timeout', async () => {
    const readiness = new Readiness({ ping: () => new Promise(() => {}), timeoutMs: 50 });
    const started = Date.now();
    assert.deepEqual(await readiness.check(), {
      ready: false,
      reason: 'the database did not answer within 50 ms',
    });
    assert.ok(Date.now() - started < 1000);
  });

  it('shares one query between probes that arrive together', async () => {
    let pings = 0;
    const readiness = new Readiness({
      ping: async () => {
        pings += 1;
        await new Promise((resolve) => setTimeout(resolve, 20));
      },
    });
    await Promise.all([readiness.check(), readiness.check(), readiness.check()]);
    assert.equal(pings, 1);
  });

  it('reports unready once draining, whatever the database says', async () => {
    const readiness = new Readiness({ ping: async () => undefined });
    readiness.drain();
    assert.equal(readiness.draining, true);
    assert.deepEqual(await readiness.check(), { ready: false, reason: 'shutting down' });
  });
});

describe('readiness while the database refuses writes', () => {
  const full = () => Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });

  it('turns unready on a write refused for want of space, logs it once, and recovers when a write probe works', async () => {
    let writable = false;
    let probes = 0;
    const logged: string[] = [];
    const readiness = new Readiness({
      ping: async () => undefined,
      probeWrite: async () => {
        probes += 1;
        if (!writable) throw full();
      },
      logger: createLogger({
        level: 'info',
        destination: {
          write: (line: string) => {
            const { level, msg } = JSON.parse(line) as { level: number; msg: string };
            logged.push(`${level === 50 ? 'error' : 'info'} ${msg}`);
          },
        },
      }),
      writeProbeIntervalMs: 10,
    });
    readiness.noteFailure(new Error('unique violation'));
    assert.deepEqual(await readiness.check(), { ready: true }, 'only a full disk turns the node unready');
    for (let request = 0; request < 5; request += 1)
      readiness.noteFailure(new Error('insert failed', { cause: full() }));
    assert.deepEqual(await readiness.check(), { ready: false, reason: 'the database refuses writes' });
    await waitFor(() => probes >= 2);
    assert.deepEqual(await readiness.check(), { ready: false, reason: 'the database refuses writes' });
    writable = true;
    await waitFor(() => logged.length === 2);
    assert.deepEqual(await readiness.check(), { ready: true });
    assert.equal(logged.length, 2);
    assert.match(logged[0] ?? '', /^error the database refuses writes/);
    assert.match(logged[1] ?? '', /^info the database takes writes again/);
    readiness.stop();
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    assert.ok(Date.now() < deadline, 'condition not met within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('health endpoints of a running server', () => {
  it('serves /healthz and /readyz, and /readyz turns 503 as soon as close() begins', async () => {
    const server = await startServer(
      loadConfig({
        env: {
          TOLLGATE_DATA: tempDir('tollgate-health-'),
          TOLLGATE_ENCRYPTION_KEY: generateEncryptionSecret(),
          TOLLGATE_DRAIN_DELAY: '1s',
        },
        flags: { port: '0' },
      }),
      { logger: createLogger({ level: 'silent' }), handleSignals: false, announce: () => {} },
    );
    const ready = await server.app.inject({ method: 'GET', url: '/readyz' });
    assert.equal(ready.statusCode, 200);
    assert.deepEqual(ready.json(), { status: 'ok' });
    const closing = server.close();
    const draining = await server.app.inject({ method: 'GET', url: '/readyz' });
    assert.equal(draining.statusCode, 503);
    assert.deepEqual(draining.json(), { status: 'unavailable', reason: 'shutting down' });
    assert.equal(draining.headers.connection, 'close');
    const live = await server.app.inject({ method: 'GET', url: '/healthz' });
    assert.equal(live.statusCode, 200);
    assert.deepEqual(live.json(), { status: 'ok' });
    // Probes come over plain HTTP from the load balancer's address, which the HTTPS rule would otherwise refuse.
    const remote = { remoteAddress: '203.0.113.5' };
    assert.equal((await server.app.inject({ method: 'GET', url: '/healthz', ...remote })).statusCode, 200);
    assert.equal((await server.app.inject({ method: 'GET', url: '/readyz', ...remote })).statusCode, 503);
    assert.equal(
      (await server.app.inject({ method: 'GET', url: '/.well-known/jwks.json', ...remote })).statusCode,
      403,
    );
    const metadata = await server.app.inject({ method: 'GET', url: '/.well-known/oauth-authorization-server' });
    assert.equal(metadata.statusCode, 200, 'other endpoints are still served while draining');
    await closing;
  });
});
