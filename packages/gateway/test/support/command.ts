/** `tollgate gateway` run as a user runs it, for the tests that need the command itself (--workers). */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';

// dist/test/support/command.js → packages/cli/bin/tollgate.js
export const BIN = fileURLToPath(new URL('../../../../cli/bin/tollgate.js', import.meta.url));
export const BUILT = fileURLToPath(new URL('../../../../cli/dist/src/commands/gateway.js', import.meta.url));
export const SKIP = existsSync(BUILT) ? false : 'the CLI is not built (run npm run build)';

export function cleanEnv(): NodeJS.ProcessEnv {
  // REDIS_URL (set by CI for the Redis tests) would make every gateway here share rate limits through Redis.
  return Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('TOLLGATE_') && name !== 'REDIS_URL'),
  );
}

/**
 * Polls `probe` until it returns something truthy; fails after 60 s: a bound, not an expectation. Two workers each
 * loading the bundle took over 10 s under a load average of 20, which failed a correct gateway.
 */
export async function waitFor<T>(probe: () => T | undefined | false, what: string): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export interface GatewayCommand {
  child: ChildProcess;
  url: string;
  exited: Promise<number | null>;
  /** Everything printed on stdout so far. */
  stdout(): string;
}

/** Runs `tollgate gateway <args>` in `cwd` and waits for its listening line; stopped after the test whatever happens. */
export async function startGatewayCommand(
  context: TestContext,
  cwd: string,
  args: readonly string[],
): Promise<GatewayCommand> {
  const child = spawn(process.execPath, [BIN, 'gateway', ...args], { cwd, env: cleanEnv() });
  context.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  const url = await waitFor(() => /^Tollgate gateway listening on (\S+)$/m.exec(stdout)?.[1], 'the listening line');
  return { child, url, exited, stdout: () => stdout };
}

export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
