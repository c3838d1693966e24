import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { createRedisRevocationSignal } from '../src/index.js';
import { REDIS_URL, captureLog, eventually, sharedRedisSkipReason, uniquePrefix } from './support/redis.js';

const skip = await sharedRedisSkipReason();

/** Publishes until `heard` is true: a message sent before the other side has subscribed is (rightly) lost. */
async function publishUntil(publish: () => void, heard: () => boolean): Promise<void> {
  await eventually(
    () => {
      if (!heard()) publish();
      return heard();
    },
    10_000,
    'the signal never arrived',
  );
}

describe('Redis revocation signal', { skip }, () => {
  const log = captureLog();
  const keyPrefix = uniquePrefix();
  let nodeA: ReturnType<typeof createRedisRevocationSignal>;
  let nodeB: ReturnType<typeof createRedisRevocationSignal>;

  // In hooks, not the suite body: a skipped suite must open no connection.
  before(() => {
    nodeA = createRedisRevocationSignal({ url: REDIS_URL, logger: log.logger, keyPrefix });
    nodeB = createRedisRevocationSignal({ url: REDIS_URL, logger: log.logger, keyPrefix });
  });
  after(async () => {
    await Promise.all([nodeA.close(), nodeB.close()]);
  });

  it("delivers one node's publish to another node's subscriber, over separate connections", async () => {
    let heard = 0;
    const unsubscribe = nodeB.subscribe(() => heard++);
    await publishUntil(
      () => nodeA.publish(),
      () => heard > 0,
    );
    unsubscribe();
  });

  it('tells the publishing node too, and stops telling a subscriber that unsubscribed', async () => {
    let stayed = 0;
    let left = 0;
    const stay = nodeA.subscribe(() => stayed++);
    const leave = nodeA.subscribe(() => left++);
    leave();
    await publishUntil(
      () => nodeA.publish(),
      () => stayed > 0,
    );
    assert.equal(left, 0);
    stay();
  });

  it('keeps other nodes apart when their key prefix differs', async () => {
    const other = createRedisRevocationSignal({ url: REDIS_URL, logger: log.logger, keyPrefix: uniquePrefix() });
    let strayed = 0;
    let heard = 0;
    const unsubscribeOther = other.subscribe(() => strayed++);
    const unsubscribe = nodeB.subscribe(() => heard++);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await publishUntil(
      () => nodeA.publish(),
      () => heard > 0,
    );
    assert.equal(strayed, 0);
    unsubscribe();
    unsubscribeOther();
    await other.close();
  });

  it('delivers a publish made by another process', async () => {
    let heard = 0;
    const unsubscribe = nodeB.subscribe(() => heard++);
    const script = `
      import { createRedisRevocationSignal } from ${JSON.stringify(new URL('../src/index.js', import.meta.url).href)};
      import { pino } from 'pino';
      const signal = createRedisRevocationSignal({ url: process.argv[1], keyPrefix: process.argv[2], logger: pino({ level: 'silent' }) });
      setInterval(() => signal.publish(), 50);`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script, REDIS_URL, keyPrefix], {
      cwd: new URL('.', import.meta.url),
      stdio: 'ignore',
    });
    try {
      await eventually(() => heard > 0, 10_000, 'no signal from the other process');
    } finally {
      child.kill();
      unsubscribe();
    }
  });

  it('neither throws nor warns when publishing after close', async () => {
    const closed = createRedisRevocationSignal({ url: REDIS_URL, logger: log.logger, keyPrefix });
    let heard = 0;
    closed.subscribe(() => heard++);
    await publishUntil(
      () => closed.publish(),
      () => heard > 0,
    );
    await closed.close();
    closed.publish();
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.deepEqual(
      log.lines().filter((line) => line.level >= 40),
      [],
    );
  });

  it('logs nothing while Redis is healthy', () => {
    assert.deepEqual(
      log.lines().filter((line) => line.level >= 40),
      [],
    );
  });
});

describe('Redis URL in logs', () => {
  let log: ReturnType<typeof captureLog>;
  let signal: ReturnType<typeof createRedisRevocationSignal>;
  before(() => {
    log = captureLog();
    // Port 1 refuses connections: the signal reports the outage, naming the server without its password.
    signal = createRedisRevocationSignal({ url: 'redis://tollgate:s3cret-pw@127.0.0.1:1', logger: log.logger });
  });
  after(() => signal.close());

  it('names the server in the outage warning with the password masked, and warns once however often it retries', async () => {
    signal.publish();
    await eventually(() => log.text().includes('unreachable'), 5_000, 'no outage warning');
    await new Promise((resolve) => setTimeout(resolve, 500));
    signal.publish();
    const warnings = log.lines().filter((line) => line.level === 40);
    assert.equal(warnings.length, 1);
    assert.equal(log.text().includes('s3cret-pw'), false);
    assert.match(String(warnings[0]?.redis), /^redis:\/\/tollgate:\*\*\*@127\.0\.0\.1:1/);
  });
});
