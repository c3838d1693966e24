/**
 * Redis is an optional helper of several nodes, never a dependency: with REDIS_URL the server shares its
 * revocation signal and attempt counters through it; with Redis unreachable it still starts, serves tokens
 * and reports itself ready, logging the degradation instead.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { request } from './support/http.js';
import { freePort } from './support/ports.js';
import { seedStandard, type StandardSeed } from './support/seed.js';
import { clientCredentialsToken } from './support/tokens.js';
import { startTollgate, type TollgateProcess } from './support/tollgate.js';
import { waitUntil } from './support/wait.js';

const REDIS_URL = process.env.TOLLGATE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const REDIS_PASSWORD = 'redis-s3cret-value';

/** `false` when something answers PING at REDIS_URL, else why the Redis-backed test skips. */
function redisSkipReason(): Promise<string | false> {
  const { hostname, port } = new URL(REDIS_URL);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port || 6379) });
    const done = (reason: string | false) => {
      socket.destroy();
      resolve(reason);
    };
    socket.setTimeout(2000, () => done(`Redis did not answer at ${hostname}:${port}`));
    socket.once('error', (error) => done(`Redis not reachable at ${hostname}:${port} (${error.message})`));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG') ? false : 'no PONG from Redis'));
  });
}

async function assertServes(server: TollgateProcess, seed: StandardSeed): Promise<void> {
  const token = await clientCredentialsToken(server.url, seed.backend, { scope: 'read:data' });
  assert.equal(typeof token.access_token, 'string');
  const ready = await request(`${server.url}/readyz`);
  assert.equal(ready.status, 200, `/readyz: ${ready.text}`);
}

describe('a node with Redis', { skip: await redisSkipReason() }, () => {
  let server: TollgateProcess;
  let seed: StandardSeed;
  before(async () => {
    server = await startTollgate({ env: { REDIS_URL } });
    seed = await seedStandard(server);
  });
  after(() => server?.stop());

  it('shares its revocation signal and attempt counters through Redis and serves as usual', async () => {
    assert.match(server.output(), /sharing revocation signals, attempt counters and DPoP proofs seen through Redis/);
    await assertServes(server, seed);
    assert.doesNotMatch(server.output(), /Redis unreachable/);
  });
});

describe('a node whose Redis is down', () => {
  let server: TollgateProcess;
  let seed: StandardSeed;
  before(async () => {
    const closedPort = await freePort();
    server = await startTollgate({ env: { REDIS_URL: `redis://:${REDIS_PASSWORD}@127.0.0.1:${closedPort}` } });
    seed = await seedStandard(server);
  });
  after(() => server?.stop());

  it('still starts, issues tokens and reports itself ready, logging the degradation without the password', async () => {
    await assertServes(server, seed);
    // A failed login goes to the attempt counter, whose Redis is unreachable: counted in-process instead.
    const refused = await request(`${server.url}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'alice', password: 'not her password' }),
    });
    assert.equal(refused.status, 400, refused.text);
    await waitUntil(
      'the Redis outage being logged',
      async () => (/Redis unreachable/.test(server.output()) ? true : undefined),
      {
        timeoutMs: 5000,
      },
    );
    assert.ok(!server.output().includes(REDIS_PASSWORD), 'the Redis password was printed');
    assert.equal(server.alive(), true);
  });
});
