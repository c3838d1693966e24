/**
 * The process clock. Production uses the system clock. A test that must see tokens expire sets
 * TOLLGATE_TEST_CLOCK_FILE to a file holding an offset in milliseconds, and moves the server's time by
 * rewriting that file, instead of waiting in real time. The variable is read once at start and is meant
 * for tests only: operations docs never mention it, and every read of the file is a syscall.
 */
import { readFileSync } from 'node:fs';
import { type Clock, systemClock } from '@tollgate/core';

export const TEST_CLOCK_VARIABLE = 'TOLLGATE_TEST_CLOCK_FILE';

export function processClock(env: NodeJS.ProcessEnv = process.env): Clock {
  const file = env[TEST_CLOCK_VARIABLE];
  if (file === undefined || file === '') return systemClock;
  return () => Date.now() + offsetMs(file);
}

/** A missing, empty or unparsable file means no offset: the test has not moved time yet. */
function offsetMs(file: string): number {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return 0;
  }
  const offset = Number(text.trim());
  return Number.isFinite(offset) ? offset : 0;
}
