import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseOptions } from '@node-rs/argon2';
import { hashSecret, verifyAgainstDummy, verifySecret } from '../src/crypto/index.js';
import { DUMMY_HASH } from '../src/crypto/password.js';

/** Fastest of several interleaved runs of each action: the floor is what the work costs, whatever else runs. */
async function fastestInterleavedMs(runs: number, a: () => Promise<unknown>, b: () => Promise<unknown>) {
  const fastest = [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY];
  for (let i = 0; i < runs; i++) {
    for (const [index, action] of [a, b].entries()) {
      const start = performance.now();
      await action();
      fastest[index] = Math.min(fastest[index] ?? Number.POSITIVE_INFINITY, performance.now() - start);
    }
  }
  return { aMs: fastest[0] ?? 0, bMs: fastest[1] ?? 0 };
}

describe('crypto/password', () => {
  it('hashes with argon2id at the OWASP parameters (m=19456 KiB, t=2, p=1)', async () => {
    const phc = await hashSecret('correct horse battery staple');
    assert.match(phc, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it('verifies the right secret and refuses a wrong one', async () => {
    const phc = await hashSecret('correct horse battery staple');
    assert.equal(await verifySecret(phc, 'correct horse battery staple'), true);
    assert.equal(await verifySecret(phc, 'correct horse battery stapler'), false);
    assert.equal(await verifySecret(phc, ''), false);
  });

  it('salts every hash', async () => {
    assert.notEqual(await hashSecret('same secret'), await hashSecret('same secret'));
  });

  it('returns false instead of throwing for hashes it cannot parse', async () => {
    const real = await hashSecret('secret');
    const malformed = [
      '',
      'plain',
      '$argon2id$v=19$m=19456',
      real.slice(0, -10),
      '$2b$10$abcdefghijklmnopqrstuv',
      real.replace('argon2id', 'argon9'),
    ];
    for (const phc of malformed) assert.equal(await verifySecret(phc, 'secret'), false, phc);
  });

  it('never matches the dummy hash, whatever the input', async () => {
    for (const plain of ['', 'secret', 'correct horse battery staple']) {
      assert.equal(await verifyAgainstDummy(plain), false);
    }
  });

  it('verifies against the dummy with the same argon2 parameters as a real hash, so both cost the same', async () => {
    const real = parseOptions(await hashSecret('secret'));
    const dummy = parseOptions(DUMMY_HASH);
    assert.deepEqual(dummy, real);
  });

  it('takes about as long for an unknown user as for a wrong password', async () => {
    const phc = await hashSecret('secret');
    const { aMs: realMs, bMs: dummyMs } = await fastestInterleavedMs(
      4,
      () => verifySecret(phc, 'wrong'),
      () => verifyAgainstDummy('wrong'),
    );
    // Loose bounds: this only catches a dummy that skips the work, not scheduler noise.
    assert.ok(dummyMs > realMs / 3 && dummyMs < realMs * 3, `real ${realMs} ms, dummy ${dummyMs} ms`);
  });
});
