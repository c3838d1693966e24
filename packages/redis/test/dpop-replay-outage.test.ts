/**
 * A private redis-server is killed under a gateway's DPoP replay cache and brought back on the same port: nothing
 * throws, replays are still refused at the node that saw the proof, and after the outage that node still refuses
 * proofs it remembered only in-process.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { MemoryDpopReplayCache } from '@tollgate/verify';
import { createRedisDpopReplayCache } from '../src/index.js';
import {
  type PrivateRedis,
  WARN,
  captureLog,
  eventually,
  privateRedisSkipReason,
  startPrivateRedis,
} from './support/redis.js';

const skip = privateRedisSkipReason();

describe('the DPoP replay cache when Redis goes down and comes back', { skip }, () => {
  let server: PrivateRedis;
  const log = captureLog();
  let gatewayA: ReturnType<typeof createRedisDpopReplayCache>;
  let gatewayB: ReturnType<typeof createRedisDpopReplayCache>;
  const inWindow = () => Date.now() + 60_000;

  async function shared(): Promise<boolean> {
    const key = `probe-${randomUUID()}`;
    await gatewayA.checkAndRemember(key, inWindow());
    return !(await gatewayB.checkAndRemember(key, inWindow()));
  }

  before(async () => {
    server = await startPrivateRedis();
    const open = () =>
      createRedisDpopReplayCache({ url: server.url, logger: log.logger, fallback: new MemoryDpopReplayCache() });
    gatewayA = open();
    gatewayB = open();
    await eventually(shared, 10_000, 'the caches never reached the private Redis');
  });

  after(async () => {
    await Promise.all([gatewayA?.close(), gatewayB?.close()]);
    await server?.kill();
  });

  it('refuses replays per node without throwing while Redis is down, and warns', async () => {
    await server.kill();
    const key = `down-${randomUUID()}`;
    assert.equal(await gatewayA.checkAndRemember(key, inWindow()), true);
    assert.equal(await gatewayA.checkAndRemember(key, inWindow()), false, 'the node that saw it refuses it');
    assert.equal(await gatewayB.checkAndRemember(key, inWindow()), true, 'per node while Redis is down');
    await eventually(() => log.lines().some((line) => line.level === WARN), 5_000, 'no outage warning');
    assert.match(log.text(), /DPoP replay cache: Redis unreachable/);
  });

  it('still refuses, once Redis is back, a proof it remembered only in-process', async () => {
    const key = `outage-${randomUUID()}`;
    assert.equal(await gatewayA.checkAndRemember(key, inWindow()), true);
    server = await startPrivateRedis(server.port);
    await eventually(shared, 10_000, 'the caches never went back to Redis');
    assert.equal(await gatewayA.checkAndRemember(key, inWindow()), false);
    const fresh = `after-${randomUUID()}`;
    assert.equal(await gatewayA.checkAndRemember(fresh, inWindow()), true);
    assert.equal(await gatewayB.checkAndRemember(fresh, inWindow()), false, 'shared again');
  });
});
