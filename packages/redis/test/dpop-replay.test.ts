/**
 * The DPoP replay cache on the shared Redis: a proof seen at one gateway is refused at every other, exactly once
 * however many ask at the same time, under a namespaced, hashed key that Redis forgets when the proof's window ends.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { verifyDpopProof } from '@tollgate/jwt';
import { type DpopReplayCache, MemoryDpopReplayCache } from '@tollgate/verify';
import { Redis } from 'ioredis';
import { createRedisDpopReplayCache } from '../src/index.js';
import { REDIS_URL, captureLog, eventually, sharedRedisSkipReason, uniquePrefix } from './support/redis.js';

const skip = await sharedRedisSkipReason();

/** A really signed ES256 proof for GET https://api.example.com/orders, issued now. */
function signedProof(): string {
  const key = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const header = { typ: 'dpop+jwt', alg: 'ES256', jwk: key.publicKey.export({ format: 'jwk' }) };
  const payload = { jti: randomUUID(), htm: 'GET', htu: 'https://api.example.com/orders', iat: Date.now() / 1000 };
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${encode(header)}.${encode(payload)}`;
  const signature = sign('sha256', Buffer.from(input), { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
  return `${input}.${signature.toString('base64url')}`;
}

describe('Redis DPoP replay cache, shared by two gateways', { skip }, () => {
  const keyPrefix = uniquePrefix();
  const log = captureLog();
  const open = () =>
    createRedisDpopReplayCache({
      url: REDIS_URL,
      logger: log.logger,
      keyPrefix,
      fallback: new MemoryDpopReplayCache(),
    });
  let gatewayA: ReturnType<typeof open>;
  let gatewayB: ReturnType<typeof open>;
  let inspector: Redis;
  // In a hook, not the suite body: a skipped suite must open no connection.
  before(() => {
    gatewayA = open();
    gatewayB = open();
    inspector = new Redis(REDIS_URL);
  });
  after(async () => {
    await Promise.all([gatewayA.close(), gatewayB.close()]);
    await inspector.quit();
  });

  /** Until both connections are up, proofs are (correctly) remembered in-process; these tests need Redis. */
  async function bothConnected(): Promise<void> {
    await eventually(
      async () => {
        const key = `probe-${randomUUID()}`;
        await gatewayA.checkAndRemember(key, Date.now() + 60_000);
        return !(await gatewayB.checkAndRemember(key, Date.now() + 60_000));
      },
      5_000,
      'the caches never reached Redis',
    );
  }

  it('refuses at one gateway a proof another gateway has accepted', async () => {
    await bothConnected();
    const proof = signedProof();
    const expectations = { method: 'GET', url: 'https://api.example.com/orders' };
    const atA = verifyDpopProof(proof, expectations);
    assert.equal(await gatewayA.checkAndRemember(atA.replayKey, atA.replayUntilMs), true);
    const atB = verifyDpopProof(proof, expectations);
    assert.equal(await gatewayB.checkAndRemember(atB.replayKey, atB.replayUntilMs), false);
  });

  it('accepts exactly one of many concurrent presentations across both gateways', async () => {
    await bothConnected();
    const key = `concurrent-${randomUUID()}`;
    const expiresAtMs = Date.now() + 60_000;
    const caches: DpopReplayCache[] = [gatewayA, gatewayB];
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, index) =>
        (caches[index % 2] as DpopReplayCache).checkAndRemember(key, expiresAtMs),
      ),
    );
    assert.equal(answers.filter(Boolean).length, 1);
  });

  it('stores only a hash of the key, under the prefix, with the time left in the window', async () => {
    await bothConnected();
    const jtiText = `raw-jti-${randomUUID()}`;
    assert.equal(await gatewayA.checkAndRemember(jtiText, Date.now() + 30_000), true);
    const keys = await inspector.keys(`${keyPrefix}*`);
    assert.ok(keys.length > 0);
    for (const key of keys) {
      assert.match(key, /^tollgate-test:[0-9a-f-]+:dpop-jti:[A-Za-z0-9_-]{43}$/);
      assert.ok(!key.includes(jtiText));
      const ttlMs = await inspector.pttl(key);
      assert.ok(ttlMs > 0 && ttlMs <= 60_000, `${ttlMs} ms left`);
    }
  });

  it("forgets a key when its proof's window ends", async () => {
    await bothConnected();
    const key = `short-${randomUUID()}`;
    assert.equal(await gatewayA.checkAndRemember(key, Date.now() + 300), true);
    assert.equal(await gatewayB.checkAndRemember(key, Date.now() + 300), false);
    await eventually(
      async () => gatewayB.checkAndRemember(key, Date.now() + 60_000),
      5_000,
      'Redis never forgot the key',
    );
  });

  it('logs no outage while Redis answers', () => {
    assert.deepEqual(log.lines(), []);
  });
});
