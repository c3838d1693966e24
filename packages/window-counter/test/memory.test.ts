import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryWindowCounter, NO_WINDOW } from '../src/index.js';

function setup(maxKeys?: number) {
  let nowMs = 1_000;
  const counter = new MemoryWindowCounter({ now: () => nowMs, ...(maxKeys === undefined ? {} : { maxKeys }) });
  return { counter, at: (ms: number) => (nowMs = ms) };
}

describe('MemoryWindowCounter', () => {
  it("opens a window at a key's first hit that later hits do not extend", async () => {
    const { counter, at } = setup();
    assert.deepEqual(await counter.hit('k', 10_000), { count: 1, resetAtMs: 11_000 });
    at(5_000);
    assert.deepEqual(await counter.hit('k', 10_000), { count: 2, resetAtMs: 11_000 });
    assert.deepEqual(await counter.peek('k'), { count: 2, resetAtMs: 11_000 });
    assert.deepEqual(await counter.hit('other', 10_000), { count: 1, resetAtMs: 15_000 });
  });

  it('starts over once the window ended', async () => {
    const { counter, at } = setup();
    await counter.hit('k', 10_000);
    at(11_000);
    assert.deepEqual(await counter.peek('k'), NO_WINDOW);
    assert.deepEqual(await counter.hit('k', 10_000), { count: 1, resetAtMs: 21_000 });
  });

  it('takes a hit back, never below zero and never opening a window', async () => {
    const { counter } = setup();
    await counter.takeBack('never-hit');
    assert.deepEqual(await counter.peek('never-hit'), NO_WINDOW);
    assert.equal(counter.size, 0);
    await counter.hit('k', 10_000);
    await counter.hit('k', 10_000);
    await counter.takeBack('k');
    assert.deepEqual(await counter.peek('k'), { count: 1, resetAtMs: 11_000 });
    await counter.takeBack('k');
    await counter.takeBack('k');
    assert.deepEqual(await counter.peek('k'), NO_WINDOW);
    assert.deepEqual(await counter.hit('k', 10_000), { count: 1, resetAtMs: 11_000 });
  });

  it('resets a window', async () => {
    const { counter } = setup();
    await counter.hit('k', 10_000);
    await counter.reset('k');
    await counter.reset('never-hit');
    assert.deepEqual(await counter.peek('k'), NO_WINDOW);
    assert.equal(counter.size, 0);
  });

  it('gives each of 50 concurrent hits a count of its own', async () => {
    const { counter } = setup();
    const counts = await Promise.all(Array.from({ length: 50 }, () => counter.hit('k', 10_000)));
    assert.deepEqual(
      counts.map(({ count }) => count).sort((a, b) => a - b),
      Array.from({ length: 50 }, (_, index) => index + 1),
    );
  });

  it('drops ended windows as time goes on', async () => {
    const { counter, at } = setup();
    await counter.hit('short', 1_000);
    await counter.hit('long', 600_000);
    at(100_000);
    await counter.hit('late', 1_000);
    assert.equal(counter.size, 2);
    assert.equal((await counter.peek('long')).count, 1);
  });

  it('never holds more keys than its bound, dropping ended windows before live ones', async () => {
    const { counter, at } = setup(10);
    await counter.hit('ended', 1_000);
    for (let i = 0; i < 9; i++) await counter.hit(`live${i}`, 600_000);
    at(3_000);
    await counter.hit('new', 600_000);
    assert.equal(counter.size, 10);
    assert.equal((await counter.peek('live0')).count, 1, 'the ended window made room, not a live one');
    for (let i = 0; i < 40; i++) await counter.hit(`more${i}`, 600_000);
    assert.equal(counter.size, 10);
    assert.equal((await counter.peek('more39')).count, 1);
  });

  it('refuses a window that is not a positive whole number of milliseconds', async () => {
    const { counter } = setup();
    for (const windowMs of [0, -1, 1.5, Number.NaN]) await assert.rejects(counter.hit('k', windowMs), TypeError);
  });
});
