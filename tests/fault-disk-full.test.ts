/**
 * A full disk under a SQLite server is a temporary outage, not a server bug: writes answer
 * `503 temporarily_unavailable` with Retry-After (RFC 6749 5.2, RFC 9110 10.2.3), /readyz says 503 while
 * writes fail, the log names SQLite's real cause once (not once per request, and not the `cannot
 * rollback` that used to hide it), and everything recovers by itself once space is freed.
 *
 * The disk is a 4 MiB tmpfs mounted for the test, filled and emptied by it: a real ENOSPC. Mounting needs
 * root (CAP_SYS_ADMIN); without it the test is skipped, saying so.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type HttpResult, postJson, request } from './support/http.js';
import { seedStandard, type StandardSeed } from './support/seed.js';
import { startTollgate, type TollgateProcess } from './support/tollgate.js';
import { waitUntil } from './support/wait.js';

const DISK_BYTES = 4 * 1024 * 1024;
const FULL_MESSAGE = /database or disk is full/;

/** Mounts a small tmpfs; undefined when this process may not (not root). */
function mountSmallDisk(): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-disk-'));
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${DISK_BYTES}`, 'tmpfs', dir], { stdio: 'ignore' });
  if (mounted.status === 0) return dir;
  rmSync(dir, { recursive: true, force: true });
  return undefined;
}

function unmount(dir: string): void {
  spawnSync('umount', [dir], { stdio: 'ignore' });
  rmSync(dir, { recursive: true, force: true });
}

/** Writes zeros into `file` until the disk has no byte left (ENOSPC). */
function fillDisk(file: string): void {
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(16 * 1024);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
}

/** A password login writes a new grant: a write the disk must take. */
function login(server: TollgateProcess, seed: StandardSeed): Promise<HttpResult> {
  return postJson(`${server.url}/token`, { username: seed.user.username, password: seed.user.password });
}

const disk = mountSmallDisk();

describe('a full disk under SQLite', { skip: disk === undefined && 'mounting a tmpfs needs root' }, () => {
  let server: TollgateProcess;
  let seed: StandardSeed;
  const filler = join(disk ?? '', 'filler');
  before(async () => {
    server = await startTollgate({ env: { DATABASE_URL: join(disk ?? '', 'tollgate.db') } });
    seed = await seedStandard(server);
  });
  after(async () => {
    await server?.stop();
    if (disk !== undefined) unmount(disk);
  });

  it('answers 503 with Retry-After, turns unready, logs the cause once, and recovers when space returns', async () => {
    assert.equal((await login(server, seed)).status, 200);
    fillDisk(filler);

    // The first writes may still fit in space SQLite already holds; the disk runs out within a few.
    const { value: refused } = await waitUntil(
      'a login refused for want of disk space',
      async () => {
        const answer = await login(server, seed);
        return answer.status === 200 ? undefined : answer;
      },
      { timeoutMs: 30_000, intervalMs: 0 },
    );
    assert.equal(refused.status, 503, refused.text);
    assert.equal(refused.headers.get('retry-after'), '2');
    assert.deepEqual(refused.json, {
      error: 'temporarily_unavailable',
      error_description: 'The server cannot store data right now; try again shortly',
    });
    for (let again = 0; again < 3; again += 1) assert.equal((await login(server, seed)).status, 503);

    const unready = await request(`${server.url}/readyz`);
    assert.equal(unready.status, 503);
    assert.deepEqual(unready.json, { status: 'unavailable', reason: 'the database refuses writes' });
    assert.equal((await request(`${server.url}/healthz`)).status, 200, 'a restart would not help');
    const causeLines = server
      .output()
      .split('\n')
      .filter((line) => FULL_MESSAGE.test(line));
    assert.equal(causeLines.length, 1, `the cause is logged once:\n${causeLines.join('\n')}`);
    assert.match(causeLines[0] ?? '', /"level":50/);
    assert.doesNotMatch(server.output(), /cannot rollback/);

    rmSync(filler);
    await waitUntil(
      '/readyz answering 200 once space is back',
      async () => ((await request(`${server.url}/readyz`)).status === 200 ? true : undefined),
      { timeoutMs: 15_000, intervalMs: 100 },
    );
    assert.equal((await login(server, seed)).status, 200);
    assert.match(server.output(), /the database takes writes again/);
  });
});
