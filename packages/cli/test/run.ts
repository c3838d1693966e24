/** Runs the real `tollgate` binary, as a user or a script would. */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// dist/test/run.js → packages/cli/bin/tollgate.js
export const BIN = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'tollgate.js');

export interface Result {
  status: number | null;
  stdout: string;
  stderr: string;
}

const SHARED_SERVICE_VARIABLES = new Set(['DATABASE_URL', 'REDIS_URL']);

/**
 * An environment without the caller's TOLLGATE_* settings, DATABASE_URL or REDIS_URL (CI sets those for the
 * PostgreSQL pass), so tests see only what they set and never write to a shared database.
 */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('TOLLGATE_') && !SHARED_SERVICE_VARIABLES.has(name)) env[name] = value;
  }
  return { ...env, ...extra };
}

const created: string[] = [];
// Each test file runs in its own process: remove its directories when it exits, pass or fail.
process.once('exit', () => {
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
});

export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-cli-'));
  created.push(dir);
  return dir;
}

/**
 * A data directory with an empty Tollgate database, as `tollgate migrate` makes it: the admin commands refuse to
 * create one (only start, migrate and demo do).
 */
export function dataDir(): string {
  const dir = tempDir();
  execFileSync(process.execPath, [BIN, 'migrate', '--data', dir], { env: cleanEnv(), stdio: 'ignore' });
  return dir;
}

export function run(
  args: readonly string[],
  options: { input?: string; env?: Record<string, string>; cwd?: string; nodeArguments?: readonly string[] } = {},
): Promise<Result> {
  return runNode([...(options.nodeArguments ?? []), BIN, ...args], options);
}

/** Runs `node <nodeArguments>` in a clean environment, with `input` on its stdin. */
export function runNode(
  nodeArguments: readonly string[],
  options: { input?: string; env?: Record<string, string>; cwd?: string } = {},
): Promise<Result> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [...nodeArguments], {
      cwd: options.cwd ?? tempDir(),
      env: cleanEnv(options.env),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (status) => resolvePromise({ status, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/** A run that must succeed; returns stdout. */
export async function ok(
  args: readonly string[],
  options: { input?: string; env?: Record<string, string> } = {},
): Promise<string> {
  const result = await run(args, options);
  if (result.status !== 0) throw new Error(`tollgate ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return result.stdout;
}

export async function okJson<T = unknown>(args: readonly string[], options: { input?: string } = {}): Promise<T> {
  return JSON.parse(await ok([...args, '--json'], options)) as T;
}
