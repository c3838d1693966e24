/**
 * What a process under test costs, read from outside it (/proc/<pid>/stat and /proc/<pid>/status), so Node
 * children, HAProxy and nginx are measured the same way and the measuring adds nothing to what is measured.
 * CPU time counts every thread of the process (libuv's pool included).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

function clockTicksPerSecond(): number {
  try {
    const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isInteger(ticks) && ticks > 0 ? ticks : 100;
  } catch {
    return 100;
  }
}

const TICKS_PER_SECOND = clockTicksPerSecond();

/** utime + stime of `pid` so far, in microseconds (resolution one clock tick, 10 ms at the usual 100 Hz). */
export function processCpuMicros(pid: number): number {
  return cpuMicrosOf(`/proc/${pid}/stat`);
}

/**
 * utime + stime of the process's main thread alone (its thread id is the process id), the event loop of a Node
 * process, read the same way as `processCpuMicros` so the two compare.
 */
export function mainThreadCpuMicros(pid: number): number {
  return cpuMicrosOf(`/proc/${pid}/task/${pid}/stat`);
}

function cpuMicrosOf(path: string): number {
  const stat = readFileSync(path, 'utf8');
  // The command name (field 2) is in parentheses and may hold spaces: count fields after its closing one.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const userTicks = Number(fields[11]);
  const systemTicks = Number(fields[12]);
  if (!Number.isFinite(userTicks) || !Number.isFinite(systemTicks)) throw new Error(`unreadable ${path}`);
  return ((userTicks + systemTicks) * 1_000_000) / TICKS_PER_SECOND;
}

/** Resident set size of `pid` now, in bytes. */
export function processRssBytes(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (match === null) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(match[1]) * 1024;
}

/**
 * CPU time (user + system) of `pid`'s live threads so far, in nanoseconds: the sum of each thread's
 * `/proc/<pid>/task/<tid>/schedstat` run time, which the scheduler keeps to the nanosecond, where
 * `processCpuMicros` has one clock tick's resolution. Threads that have already ended are not counted, so this
 * is for a process whose threads live as long as it does (a Node server's do, from start to first answer).
 */
export function liveThreadsCpuNanos(pid: number): number {
  let nanos = 0;
  for (const thread of readdirSync(`/proc/${pid}/task`)) {
    const [runNanos] = readFileSync(`/proc/${pid}/task/${thread}/schedstat`, 'utf8').split(' ');
    const value = Number(runNanos);
    if (!Number.isFinite(value)) throw new Error(`unreadable /proc/${pid}/task/${thread}/schedstat`);
    nanos += value;
  }
  return nanos;
}
