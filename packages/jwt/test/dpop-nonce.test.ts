import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type DpopNonceOptions, createDpopNonces } from '../src/index.js';

const SECRET = Buffer.alloc(32, 9);
const START_MS = 1_700_000_040_000;

function nonceAt(clock: { ms: number }, changes: Partial<DpopNonceOptions> = {}) {
  return createDpopNonces({ secret: SECRET, context: 'https://api.example.com', now: () => clock.ms, ...changes });
}

describe('createDpopNonces (RFC 9449 8, 9)', () => {
  it('hands out one nonce per slot, in the nonce syntax, the same on every node with the secret', () => {
    const clock = { ms: START_MS };
    const nodeA = nonceAt(clock);
    const nodeB = nonceAt(clock);
    const first = nodeA.current();
    assert.match(first, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(nodeB.current(), first);
    assert.ok(nodeB.accepts(first));
    clock.ms += 59_999 - (START_MS % 60_000);
    assert.equal(nodeA.current(), first, 'same slot');
    clock.ms += 1;
    assert.notEqual(nodeA.current(), first, 'next slot');
  });

  it('accepts a nonce in its slot and the next, and refuses it after', () => {
    const clock = { ms: START_MS };
    const nonces = nonceAt(clock);
    const nonce = nonces.current();
    clock.ms += 60_000;
    assert.ok(nonces.accepts(nonce), 'previous slot');
    assert.ok(nonces.accepts(nonces.current()), 'current slot');
    clock.ms += 60_000;
    assert.equal(nonces.accepts(nonce), false, 'two slots later');
  });

  it('refuses the nonces of another secret, another context, or the future', () => {
    const clock = { ms: START_MS };
    const nonces = nonceAt(clock);
    assert.equal(nonces.accepts(nonceAt(clock, { secret: Buffer.alloc(32, 8) }).current()), false);
    assert.equal(nonces.accepts(nonceAt(clock, { context: 'token' }).current()), false);
    const future = nonceAt({ ms: START_MS + 60_000 }).current();
    assert.equal(nonces.accepts(future), false);
  });

  it('refuses what is not a nonce, without throwing', () => {
    const nonces = nonceAt({ ms: START_MS });
    const nonce = nonces.current();
    for (const value of ['', nonce.slice(1), `${nonce}A`, `${nonce.slice(0, -1)}\u0141`, 42, null, undefined]) {
      assert.equal(nonces.accepts(value as string), false);
    }
  });

  it('follows the configured period and clamps it', () => {
    const clock = { ms: 0 };
    const short = nonceAt(clock, { periodSeconds: 1 });
    const first = short.current();
    clock.ms = 9_999;
    assert.equal(short.current(), first, 'clamped to 10 s');
    clock.ms = 10_000;
    assert.notEqual(short.current(), first);
  });

  it('refuses a short secret, an empty context and a bad period with TypeError', () => {
    for (const options of [
      { secret: Buffer.alloc(31), context: 'api' },
      { secret: 'a'.repeat(64), context: 'api' },
      { secret: SECRET, context: '' },
      { secret: SECRET, context: 'api', periodSeconds: Number.NaN },
      null,
    ]) {
      assert.throws(() => createDpopNonces(options as never), TypeError);
    }
  });

  it('keeps its own copy of the secret', () => {
    const secret = Buffer.alloc(32, 5);
    const clock = { ms: START_MS };
    const nonces = nonceAt(clock, { secret });
    const before = nonces.current();
    secret.fill(6);
    clock.ms += 60_000;
    assert.ok(nonces.accepts(before));
  });
});
