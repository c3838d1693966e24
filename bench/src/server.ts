/**
 * Starts the real `tollgate start` bin for the benchmark: a free loopback port, a temporary data
 * directory, a bounded wait for the ready line, and cleanup on every exit path.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const TOLLGATE_BIN = fileURLToPath(new URL('../../../packages/cli/bin/tollgate.js', import.meta.url));
const READY_LINE = /Tollgate listening on (https?:\/\/[^\s"'/]+)/;
const READY_TIMEOUT_MS = 30_000;

export interface BenchServer {
  url: string;
  pid: number | undefined;
  /** The server's data directory (its SQLite file is `tollgate.db` there, unless DATABASE_URL names another store). */
  dataDir: string;
  /** SIGKILL, as a crash would: no drain, no pool closed; the data directory is removed. */
  kill9(): Promise<void>;
  cli(args: string[], stdin?: string): Promise<string>;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

function waitForReady(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(
      () => reject(new Error(`server not ready within ${READY_TIMEOUT_MS} ms:\n${output}`)),
      READY_TIMEOUT_MS,
    );
    const onData = (chunk: string) => {
      output += chunk;
      const url = READY_LINE.exec(output)?.[1];
      if (url === undefined) return;
      clearTimeout(timer);
      // Keep draining the pipes so a chatty logger never blocks the server.
      child.stdout?.removeListener('data', onData).resume();
      child.stderr?.removeListener('data', onData).resume();
      resolve(url);
    };
    child.stdout?.setEncoding('utf8').on('data', onData);
    child.stderr?.setEncoding('utf8').on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with code ${code}:\n${output}`));
    });
  });
}

export interface BenchServerOptions {
  /** Extra environment for the server and its CLI (DATABASE_URL, REDIS_URL, TOLLGATE_ISSUER, a shared key...). */
  env?: Record<string, string>;
  /** Another build's `tollgate` bin (a baseline to measure beside this one); this repository's by default. */
  bin?: string;
  /** Node flags for the server alone, not its CLI (`--cpu-prof` while profiling). */
  nodeArgs?: readonly string[];
}

/** The environment of a bench server and its CLI: a fresh encryption key, no drain delay, then `extra`. */
export function serverEnvironment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  // A DATABASE_URL/REDIS_URL of the caller's must not turn the SQLite rows into PostgreSQL ones: only `extra` sets them.
  const { DATABASE_URL: _database, REDIS_URL: _redis, ...inherited } = process.env;
  // No load balancer to drain for: stop at once (the default drainDelay would outlast the 5 s before SIGKILL).
  return {
    ...inherited,
    TOLLGATE_DRAIN_DELAY: '0s',
    TOLLGATE_ENCRYPTION_KEY: randomBytes(32).toString('base64url'),
    ...extra,
  };
}

export async function startServer(options: BenchServerOptions = {}): Promise<BenchServer> {
  const workDir = mkdtempSync(join(tmpdir(), 'tollgate-bench-'));
  const dataDir = join(workDir, 'data');
  const env = serverEnvironment(options.env);
  const port = await freePort();
  const bin = options.bin ?? TOLLGATE_BIN;
  const child = spawn(
    process.execPath,
    [...(options.nodeArgs ?? []), bin, 'start', '--port', String(port), '--host', '127.0.0.1', '--data', dataDir],
    {
      cwd: workDir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const end = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(workDir, { recursive: true, force: true });
  };
  const stop = () => end('SIGTERM');
  let url: string;
  try {
    url = await waitForReady(child);
  } catch (error) {
    await stop();
    throw error;
  }
  const cli = (args: string[], stdin?: string) =>
    new Promise<string>((resolve, reject) => {
      const run = execFile(
        process.execPath,
        [bin, ...args, '--data', dataDir, '--json'],
        { cwd: workDir, env, timeout: 30_000 },
        (error, stdout, stderr) =>
          error ? reject(new Error(`tollgate ${args.join(' ')} failed: ${stderr}`)) : resolve(stdout),
      );
      run.stdin?.end(stdin ?? '');
    });
  return { url, pid: child.pid, dataDir, kill9: () => end('SIGKILL'), cli, stop };
}
