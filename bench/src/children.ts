/**
 * The servers of the gateway benchmark each run in their own process (forked with an IPC channel), so the
 * load generator in this process never shares an event loop with what it measures. A child reports
 * `{ url }` once it listens; the benchmark reads its CPU time from /proc (proc-stat.ts). Its stdout (access
 * logs) goes to /dev/null, as a log file would cost.
 */
import { type ChildProcess, fork } from 'node:child_process';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

const READY_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 5_000;

export interface Child {
  url: string;
  pid: number | undefined;
  stop(): Promise<void>;
}

/** What a child program calls once it listens. */
export function reportListening(url: string): void {
  const send = process.send?.bind(process);
  if (send === undefined) {
    process.stdout.write(`listening on ${url}\n`);
    return;
  }
  send({ url });
}

/** SIGTERM, then SIGKILL if the process has not exited within the grace period. */
export function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** `--cpu-prof` into BENCH_GATEWAY_CPU_PROF_DIR when it is set (the profile is written when the gateway exits). */
export function profilingArguments(): string[] {
  const directory = process.env.BENCH_GATEWAY_CPU_PROF_DIR;
  return directory === undefined || directory === '' ? [] : ['--cpu-prof', `--cpu-prof-dir=${directory}`];
}

/** Forks `bench/dist/src/<script>` with `args` (and `nodeArgs`) and resolves once it reported its URL. */
export function startChild(script: string, args: readonly string[], nodeArgs: readonly string[] = []): Promise<Child> {
  const path = fileURLToPath(new URL(`./${script}`, import.meta.url));
  const execArgv = [...process.execArgv, ...nodeArgs];
  const child = fork(path, [...args], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], execArgv });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} did not start within ${READY_TIMEOUT_MS} ms: ${stderr}`));
    }, READY_TIMEOUT_MS);
    child.once('message', (message: { url?: unknown }) => {
      clearTimeout(timer);
      if (typeof message.url !== 'string') {
        reject(new Error(`${script} reported no URL`));
        return;
      }
      resolve({ url: message.url, pid: child.pid, stop: () => stopProcess(child) });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${code} before it listened: ${stderr}`));
    });
  });
}

/** Ends a child program on SIGTERM after `close`. */
export function exitOnSigterm(close: () => Promise<void>): void {
  process.once('SIGTERM', () => {
    close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}

/**
 * Listens on a free loopback port and reports it; on SIGTERM closes the server and its connections, then runs
 * `release` (what else the program holds: an agent, a worker) and exits.
 */
export function serveOnLoopback(server: Server, release: () => void = () => {}): void {
  server.listen(0, '127.0.0.1', () => {
    reportListening(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  });
  exitOnSigterm(
    () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        release();
      }),
  );
}
