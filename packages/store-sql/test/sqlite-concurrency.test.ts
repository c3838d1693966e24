/**
 * Several writers on one SQLite file: the CLI runs while the server does. Every lifecycle below is a
 * chain of multi-statement write transactions; none may fail with SQLITE_BUSY.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Store } from '@tollgate/core';
import { openSqliteStore } from '../src/index.js';
import { finished, spawnFixture } from './fixtures/child-process.js';
import { runGrantLifecycles } from './fixtures/grant-lifecycle.js';

const T0 = 1_700_000_000;
const LIFECYCLES = 30;

let workDir = '';
before(() => {
  workDir = mkdtempSync(join(tmpdir(), 'tollgate-store-sql-concurrency-'));
});
after(() => {
  rmSync(workDir, { recursive: true, force: true });
});

/** Every family `${prefix}-${i}` went through start, rotate and revoke: both access tokens are revoked. */
async function assertLifecyclesCompleted(store: Store, prefix: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const found = await store.grants.findRefreshToken(`hash-${prefix}-${i}-r2`);
    assert.equal(found?.family.revokedAt, T0 + 2, `family ${prefix}-${i} was revoked`);
    assert.equal(await store.revocations.isRevoked(`${prefix}-${i}-a2`), true);
  }
}

describe('SQLite store under concurrent writers', () => {
  it('lets two stores on one file in one process write at the same time', { timeout: 60_000 }, async () => {
    const file = join(workDir, 'in-process.sqlite');
    const [first, second] = await Promise.all([openSqliteStore({ file }), openSqliteStore({ file })]);
    try {
      await Promise.all([
        runGrantLifecycles(first, 'first', LIFECYCLES),
        runGrantLifecycles(second, 'second', LIFECYCLES),
      ]);
      await assertLifecyclesCompleted(first, 'second', LIFECYCLES);
      await assertLifecyclesCompleted(second, 'first', LIFECYCLES);
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });

  it('lets two child processes and this one migrate a fresh file and write at the same time', {
    timeout: 60_000,
  }, async () => {
    const file = join(workDir, 'multi-process', 'tollgate.sqlite');
    const children = Promise.all(
      ['child-a', 'child-b'].map((prefix) =>
        finished(spawnFixture('grant-load.js', [file, prefix, String(LIFECYCLES)])),
      ),
    );
    children.catch(() => undefined); // awaited below; this only stops an early failure counting as unhandled
    const store = await openSqliteStore({ file });
    try {
      await runGrantLifecycles(store, 'parent', LIFECYCLES);
      await children;
      for (const prefix of ['parent', 'child-a', 'child-b']) await assertLifecyclesCompleted(store, prefix, LIFECYCLES);
    } finally {
      await store.close();
    }
  });
});
