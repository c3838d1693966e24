import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { systemClock } from '@tollgate/core';
import { processClock } from '../src/test-clock.js';
import { tempDir } from './temp-dir.js';

describe('the process clock', () => {
  it('is the system clock when TOLLGATE_TEST_CLOCK_FILE is not set', () => {
    assert.equal(processClock({}), systemClock);
  });

  it('adds the offset the test wrote, re-reading the file on every call', async () => {
    {
      const file = join(tempDir('tollgate-clock-'), 'offset-ms');
      const clock = processClock({ TOLLGATE_TEST_CLOCK_FILE: file });
      const before = Date.now();
      assert.ok(Math.abs(clock() - before) < 60_000, 'no file yet: no offset');
      await writeFile(file, '3600000\n');
      const moved = clock();
      assert.ok(moved >= before + 3_600_000 && moved < Date.now() + 3_600_000 + 60_000, `moved to ${moved}`);
      await writeFile(file, 'not a number');
      assert.ok(Math.abs(clock() - Date.now()) < 60_000, 'an unparsable file means no offset');
    }
  });
});
