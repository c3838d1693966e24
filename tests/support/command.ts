/**
 * A long-running `tollgate` command (`demo`, `gateway`) in its own process, as a user runs it: output
 * captured, every wait bounded, a signal to stop it. A process left running by a crashed test file is
 * killed on exit.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { TOLLGATE_BIN } from './paths.js';
import { childEnvironment } from './store-under-test.js';

export interface CommandProcess {
  /** Everything printed on stdout so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves with stdout once it contains `marker`; rejects on timeout or exit, with the output. */
  waitFor(marker: string, timeoutMs?: number): Promise<string>;
  /** Sends `signal` and resolves with how the process ended (SIGKILL after `timeoutMs`). */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves once the process exited by itself. */
  exited(timeoutMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running = new Set<ChildProcess>();
let hookInstalled = false;

function killLeftovers(): void {
  for (const child of running) child.kill('SIGKILL');
}

/** Runs `tollgate <args>` in `cwd`, with no TOLLGATE_*, DATABASE_URL or REDIS_URL from the test's environment but `env`'s. */
export function spawnTollgate(
  args: readonly string[],
  cwd: string,
  extraEnv: Record<string, string> = {},
): CommandProcess {
  if (!hookInstalled) {
    hookInstalled = true;
    process.once('exit', killLeftovers);
  }
  const env = childEnvironment(extraEnv);
  const what = `tollgate ${args[0] ?? ''}`;
  const child = spawn(process.execPath, [TOLLGATE_BIN, ...args], {
    cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('close', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    });
  });
  const describeOutput = () => `--- stdout\n${stdout}\n--- stderr\n${stderr}`;

  const exited = async (timeoutMs = 15_000) => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${what} did not exit within ${timeoutMs} ms\n${describeOutput()}`)),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([exit, timeout]);
    } finally {
      clearTimeout(timer);
    }
  };

  return {
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    waitFor: (marker, timeoutMs = 30_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (!stdout.includes(marker)) return false;
          cleanup();
          resolve(stdout);
          return true;
        };
        const onExit = () => {
          cleanup();
          reject(new Error(`${what} exited before printing "${marker}"\n${describeOutput()}`));
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`${what} printed no "${marker}" within ${timeoutMs} ms\n${describeOutput()}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          child.stdout.off('data', check);
          child.off('close', onExit);
        };
        if (check()) return;
        child.stdout.on('data', check);
        child.once('close', onExit);
      }),
    stop: async (signal = 'SIGINT', timeoutMs = 15_000) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      try {
        return await exited(timeoutMs);
      } catch (error) {
        child.kill('SIGKILL');
        throw error;
      }
    },
  };
}
