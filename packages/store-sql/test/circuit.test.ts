import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isDatabaseUnavailable } from '../src/index.js';
import { DatabaseCircuit } from '../src/postgres/circuit.js';

const readTimeout = () => new Error('Query read timeout');
const statementTimeout = () =>
  Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' });

/** A probe the test answers by hand: each call waits until `answer(ok)`. */
function manualProbe() {
  let pending: { resolve(): void; reject(error: Error): void } | undefined;
  let calls = 0;
  return {
    get calls() {
      return calls;
    },
    probe: () =>
      new Promise<void>((resolve, reject) => {
        calls += 1;
        pending = { resolve, reject };
      }),
    answer(ok: boolean) {
      const current = pending;
      pending = undefined;
      if (ok) current?.resolve();
      else current?.reject(new Error('still hung'));
    },
  };
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 1_000 && !condition(); i += 1) await new Promise((resolve) => setTimeout(resolve, 5));
  assert.ok(condition(), 'the condition never held');
}

describe('the PostgreSQL circuit', () => {
  it('opens after two consecutive unavailable failures, not one', () => {
    const probe = manualProbe();
    const circuit = new DatabaseCircuit({ probe: probe.probe });
    circuit.failed(readTimeout());
    assert.equal(circuit.open, false);
    circuit.failed(readTimeout());
    assert.equal(circuit.open, true);
    assert.throws(
      () => circuit.ensureClosed(),
      (error: unknown) => isDatabaseUnavailable(error),
    );
    circuit.stop();
  });

  it('does not count a success in between, statement timeouts, a full disk or ordinary SQL errors', () => {
    const circuit = new DatabaseCircuit({ probe: manualProbe().probe });
    circuit.failed(readTimeout());
    circuit.succeeded();
    circuit.failed(readTimeout());
    assert.equal(circuit.open, false, 'a success resets the count');
    for (let i = 0; i < 5; i += 1) circuit.failed(statementTimeout());
    for (let i = 0; i < 5; i += 1) circuit.failed(Object.assign(new Error('duplicate key'), { code: '23505' }));
    for (let i = 0; i < 5; i += 1) circuit.failed(Object.assign(new Error('could not extend file'), { code: '53100' }));
    assert.equal(circuit.open, false);
    circuit.stop();
  });

  it('probes until the server answers, then closes and says so', async () => {
    const probe = manualProbe();
    const changes: boolean[] = [];
    const circuit = new DatabaseCircuit({ probe: probe.probe, onChange: (open) => changes.push(open) });
    circuit.failed(readTimeout());
    circuit.failed(readTimeout());
    await until(() => probe.calls === 1);
    probe.answer(false);
    await until(() => probe.calls === 2);
    assert.equal(circuit.open, true);
    probe.answer(true);
    await until(() => !circuit.open);
    assert.doesNotThrow(() => circuit.ensureClosed());
    assert.deepEqual(changes, [true, false]);
    circuit.stop();
  });
});
