/** argon2id on worker threads (crypto/argon2-pool.ts): jobs queue past the pool's size and all complete. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Argon2JobError, Argon2Pool } from '../src/crypto/argon2-pool.js';
import { ARGON2_PARAMETERS, hashSecret, verifySecret } from '../src/crypto/password.js';

describe('Argon2Pool', () => {
  it('runs jobs beyond its size one after another, each with its own answer', async () => {
    const pool = new Argon2Pool(1);
    const hash = (await pool.run({
      op: 'hash',
      plain: 'secret',
      options: { ...ARGON2_PARAMETERS, algorithm: 2 },
    })) as string;
    assert.match(hash, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    const answers = ['secret', 'wrong', 'secret'].map((plain) => pool.run({ op: 'verify', phcHash: hash, plain }));
    assert.equal(pool.queued, 2, 'one job runs, the others wait for the one worker');
    assert.deepEqual(await Promise.all(answers), [true, false, true]);
    assert.equal(pool.queued, 0);
  });

  it('fails a job whose hash cannot be parsed, and goes on working', async () => {
    const pool = new Argon2Pool(1);
    await assert.rejects(pool.run({ op: 'verify', phcHash: 'not a PHC string', plain: 'x' }), Argon2JobError);
    assert.equal(await verifySecret('not a PHC string', 'x'), false);
    assert.equal(await verifySecret(await hashSecret('again'), 'again'), true);
  });

  it('fails a job with a plain Error, not a job error, when its worker cannot load argon2', async () => {
    const pool = new Argon2Pool(1, { addonPath: '/nonexistent/argon2.node' });
    await assert.rejects(pool.run({ op: 'verify', phcHash: 'x', plain: 'x' }), (error: unknown) => {
      assert.ok(error instanceof Error && !(error instanceof Argon2JobError), String(error));
      return true;
    });
  });

  it('refuses a size that is not a positive integer', () => {
    assert.throws(() => new Argon2Pool(0), TypeError);
    assert.throws(() => new Argon2Pool(1.5), TypeError);
  });
});
