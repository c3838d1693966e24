/**
 * On a machine with two cores or more, the process under test runs on one core and the load generator (this
 * process, where autocannon runs) on another, so neither steals the other's CPU and the measured process's CPU
 * time is its own work. Without `taskset`, or on one core, nothing is pinned and the report says so.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

function allowedCores(): string | undefined {
  const match = /^Cpus_allowed_list:\s*(\S+)$/m.exec(readFileSync('/proc/self/status', 'utf8'));
  return match?.[1];
}

/** `0-2,4` → [0, 1, 2, 4]. */
function expandCores(list: string): number[] {
  return list.split(',').flatMap((range) => {
    const [first = 0, last = first] = range.split('-').map(Number);
    return Array.from({ length: last - first + 1 }, (_, offset) => first + offset);
  });
}

function taskset(cores: string, pid: number): boolean {
  try {
    // -a: every thread of the process, not only its main one.
    execFileSync('taskset', ['-a', '-p', '-c', cores, String(pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export interface Pinning {
  /** How the run was pinned, for the report. */
  description: string;
  /** Puts a process under test on the server core (nothing when pinning is off). */
  pinServer(pid: number | undefined): void;
  /**
   * Gives a helper that is not measured (an upstream) back every core, which it would otherwise inherit from
   * the load generator; it must not slow the load generator or the process under test more than the scheduler must.
   */
  pinHelper(pid: number | undefined): void;
  /** Gives this process back the cores it had. */
  release(): void;
}

/** Pins this process (the load generator) to its core until `release()`. */
export function pinLoadGenerator(): Pinning {
  const original = allowedCores();
  const [serverCore, loadCore] = original === undefined ? [] : expandCores(original).map(String);
  const pinned = serverCore !== undefined && loadCore !== undefined && taskset(loadCore, process.pid);
  if (!pinned || original === undefined) {
    const reason = loadCore === undefined ? 'one core' : 'taskset unavailable';
    return {
      description: `not pinned (${reason}): server and load generator share the cores`,
      pinServer: () => {},
      pinHelper: () => {},
      release: () => {},
    };
  }
  return {
    description: `process under test pinned to core ${serverCore}, load generator to core ${loadCore} (taskset)`,
    pinServer: (pid) => {
      if (pid !== undefined) taskset(serverCore, pid);
    },
    pinHelper: (pid) => {
      if (pid !== undefined) taskset(original, pid);
    },
    release: () => {
      taskset(original, process.pid);
    },
  };
}
