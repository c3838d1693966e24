/**
 * `tollgate gateway --workers 2` with Redis: a DPoP proof used at one worker is refused at the other (RFC 9449
 * 11.1), because both remember proofs in Redis. Needs the CLI built and a Redis at REDIS_URL (default
 * redis://127.0.0.1:6379); skipped, saying so, without them.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createRedisDpopReplayCache } from '@tollgate/redis';
import { MemoryDpopReplayCache } from '@tollgate/verify';
import { pino } from 'pino';
import { SKIP, startGatewayCommand } from './support/command.js';
import { ProofKey } from './support/dpop-client.js';
import { send } from './support/http.js';
import { API, startIssuer, type TestIssuer } from './support/issuer.js';
import { startUpstream, type TestUpstream } from './support/upstream.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const PUBLIC_URL = 'https://gateway.example.test';

/** Whether a Redis answers at REDIS_URL: a key remembered through one connection is seen through another. */
async function redisSkipReason(): Promise<string | false> {
  const options = { url: REDIS_URL, keyPrefix: `tollgate-test:${randomUUID()}:`, logger: pino({ level: 'silent' }) };
  const caches = [0, 1].map(() => createRedisDpopReplayCache({ ...options, fallback: new MemoryDpopReplayCache() }));
  try {
    for (const deadline = Date.now() + 3_000; Date.now() < deadline; ) {
      const key = randomUUID();
      const first = await caches[0]?.checkAndRemember(key, Date.now() + 60_000);
      if (first === true && (await caches[1]?.checkAndRemember(key, Date.now() + 60_000)) === false) return false;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return `no Redis reachable at REDIS_URL (${REDIS_URL}); set REDIS_URL to run this test`;
  } finally {
    await Promise.all(caches.map((cache) => cache.close()));
  }
}

const skip = SKIP || (await redisSkipReason());

describe('DPoP replays across the workers of one gateway', { skip }, () => {
  let issuer: TestIssuer;
  let upstream: TestUpstream;
  let folder: string;

  before(async () => {
    issuer = await startIssuer();
    upstream = await startUpstream();
    folder = mkdtempSync(join(tmpdir(), 'tollgate-gateway-dpop-'));
  });

  after(async () => {
    await Promise.all([issuer.close(), upstream.close()]);
    rmSync(folder, { recursive: true, force: true });
  });

  it('refuses at one worker a proof another worker accepted, with --workers 2 on one Redis', async (context) => {
    const yaml = [
      `issuer: ${issuer.url}`,
      `audience: ${API}`,
      `publicUrl: ${PUBLIC_URL}`,
      'listen:\n  port: 0',
      'logLevel: info',
      `redis:\n  url: ${REDIS_URL}\n  keyPrefix: "tollgate-test:${randomUUID()}:"`,
      'routes:',
      '  - path: /data',
      `    upstream: ${upstream.url}`,
      '',
    ].join('\n');
    writeFileSync(join(folder, 'gateway.yaml'), yaml);
    const command = await startGatewayCommand(context, folder, ['--config', 'gateway.yaml', '--workers', '2']);
    const key = new ProofKey();
    const token = await issuer.token({ cnf: { jkt: key.jkt } });
    // One connection per request: the primary hands connections to the workers in turn, so a replay usually goes
    // to the other worker than its first use. Each pair has its own path, to find its two log lines.
    const use = (path: string, proof: string) =>
      send(command.url, path, { headers: { authorization: `DPoP ${token}`, dpop: proof } });
    const usePair = async (path: string) => {
      const proof = key.proof({ htm: 'GET', htu: `${PUBLIC_URL}${path}`, token });
      return [(await use(path, proof)).status, (await use(path, proof)).status];
    };
    // A worker remembers proofs in memory until its Redis connection is ready: wait (bounded) until two pairs in a
    // row, one replay at each worker, are refused.
    const deadline = Date.now() + 60_000;
    for (let warmUp = 0; ; warmUp++) {
      const pairs = [await usePair(`/data/warm-${warmUp}-a`), await usePair(`/data/warm-${warmUp}-b`)];
      if (pairs.every(([first, replay]) => first === 200 && replay === 401)) break;
      assert.ok(Date.now() < deadline, `replays still accepted after 60 s: ${JSON.stringify(pairs)}`);
    }
    const paths = Array.from({ length: 6 }, (_, index) => `/data/pair-${index}`);
    const pairs = [];
    for (const path of paths) pairs.push(await usePair(path));
    assert.deepEqual(pairs, Array(6).fill([200, 401]));

    command.child.kill('SIGTERM');
    assert.equal(await command.exited, 0);
    const served = command
      .stdout()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { msg?: string; pid?: number; status?: number; path?: string })
      .filter((line) => line.msg === 'request' && paths.includes(line.path ?? ''));
    assert.equal(served.length, 12, command.stdout());
    const crossed = paths.filter((path) => {
      const [first, replay] = [200, 401].map((status) => served.find((l) => l.path === path && l.status === status));
      return first?.pid !== undefined && replay?.pid !== undefined && first.pid !== replay.pid;
    });
    assert.ok(crossed.length > 0, 'no replay reached the other worker');
  });
});
