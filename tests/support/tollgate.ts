/**
 * Starts the real `tollgate start` bin on a free loopback port with its own temporary data directory,
 * and drives the real CLI against the same directory. With TOLLGATE_TEST_STORE=postgres the server and
 * its CLI runs share a fresh PostgreSQL database of their own instead (store-under-test.ts), kept across
 * restart() and kill9() and dropped by stop(); a test that sets DATABASE_URL itself keeps its own.
 * Every wait is bounded and fails with what the server printed; every process, directory and database
 * is removed at the end, also when a test file crashes.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TOLLGATE_BIN } from './paths.js';
import { freePort } from './ports.js';
import { describe, type ProcessResult, runProcess } from './process.js';
import { childEnvironment, createTestDatabase, NO_TEST_DATABASE, type TestDatabase } from './store-under-test.js';

export interface StartOptions {
  /** Written to a JSON file and passed with `--config`. */
  config?: Record<string, unknown>;
  /** Extra environment for the server and the CLI. */
  env?: Record<string, string>;
  /** `null` starts without TOLLGATE_ENCRYPTION_KEY, so the server generates one into the data dir. */
  encryptionKey?: string | null;
  tls?: { certFile: string; keyFile: string };
  /** Extra `start` flags. */
  args?: string[];
  /**
   * Keep the server's default drainDelay. Otherwise the server stops at once (TOLLGATE_DRAIN_DELAY=0s
   * unless `env` sets it): the suite stops hundreds of servers and has no load balancer to drain.
   */
  defaultDrainDelay?: boolean;
  readyTimeoutMs?: number;
  /**
   * A file descriptor the server's stdout is written to (a FIFO, say) instead of a pipe the harness reads: the ready
   * line is then not seen, so readiness is /healthz answering, and output() holds stderr only.
   */
  stdout?: number;
}

export interface CliOptions {
  stdin?: string;
  /** Appends `--json`. */
  json?: boolean;
  /** Leaves out `--data` (and `--config`), for argument-error tests. */
  noData?: boolean;
  timeoutMs?: number;
}

export interface TollgateProcess {
  /** The origin printed in `Tollgate listening on <url>`, without a trailing slash. */
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  readonly workDir: string;
  readonly encryptionKey: string | null;
  /** The PostgreSQL database's URL when the server runs on one (TOLLGATE_TEST_STORE=postgres), else undefined. */
  readonly databaseUrl: string | undefined;
  cli(args: readonly string[], options?: CliOptions): Promise<ProcessResult>;
  /** Graceful stop (SIGTERM, SIGKILL after 5 s), then removes the temporary directory and database. Idempotent. */
  stop(): Promise<void>;
  /** SIGKILL, keeping the data directory. */
  kill9(): Promise<void>;
  /**
   * Starts again on the same port and data; stops gracefully first if still running, and runs
   * `whileStopped` (an operator's step, such as restoring a backup) in between.
   */
  restart(whileStopped?: () => Promise<void>): Promise<void>;
  /** Everything the server printed on stdout and stderr, across restarts. */
  output(): string;
  /** True while the server process has not exited. */
  alive(): boolean;
  /** Sends `signal` to the server process and returns at once (stop() is SIGTERM and waiting). */
  signal(signal: NodeJS.Signals): void;
  /** Resolves true once the server process has exited, false if it still runs after `timeoutMs`. */
  exited(timeoutMs: number): Promise<boolean>;
}

const READY_LINE = /Tollgate listening on (https?:\/\/[^\s"'/]+)/;
const DEFAULT_READY_TIMEOUT_MS = 20_000;
const STOP_GRACE_MS = 5_000;
const CLI_TIMEOUT_MS = 30_000;

const live = new Set<{ child: ChildProcess | undefined; workDir: string }>();
let exitHooksInstalled = false;

/** Last resort for a test file that dies: no orphaned servers, no leftover temp dirs. */
function installExitHooks(): void {
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  const cleanUpSync = () => {
    for (const entry of live) {
      if (entry.child && entry.child.exitCode === null && entry.child.signalCode === null) entry.child.kill('SIGKILL');
      rmSync(entry.workDir, { recursive: true, force: true });
    }
    live.clear();
  };
  process.once('exit', cleanUpSync);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      cleanUpSync();
      process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  }
}

/** The server must see only what the test gives it, and must not think it runs under node:test. */
function childEnv(
  options: StartOptions,
  encryptionKey: string | null,
  databaseUrl: string | undefined,
): NodeJS.ProcessEnv {
  const key: Record<string, string> = encryptionKey === null ? {} : { TOLLGATE_ENCRYPTION_KEY: encryptionKey };
  const drain: Record<string, string> = options.defaultDrainDelay ? {} : { TOLLGATE_DRAIN_DELAY: '0s' };
  return childEnvironment({ ...drain, ...key, ...options.env }, databaseUrl);
}

function tail(text: string, chars = 6000): string {
  return text.length <= chars ? text : `…${text.slice(-chars)}`;
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** Polls `origin`/healthz until it answers 200 (true), or until `givenUp()` (false). */
async function answersHealthz(origin: string, givenUp: () => boolean): Promise<boolean> {
  while (!givenUp()) {
    const status = await fetch(`${origin}/healthz`, { signal: AbortSignal.timeout(5_000) }).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

/** One server under test: its process generations, captured output and temporary directory. */
class ServerUnderTest implements TollgateProcess {
  readonly port: number;
  readonly workDir: string;
  readonly dataDir: string;
  readonly encryptionKey: string | null;
  readonly databaseUrl: string | undefined;
  readonly #database: TestDatabase;
  readonly #env: NodeJS.ProcessEnv;
  readonly #startArgs: string[];
  readonly #readyTimeoutMs: number;
  readonly #stdout: number | undefined;
  /** The CLI gets the server's config file too, as an operator would pass it to both. */
  readonly #configFile: string | undefined;
  readonly #entry: { child: ChildProcess | undefined; workDir: string };
  #output = '';
  #url = '';
  #stopped = false;

  constructor(options: StartOptions, port: number, database: TestDatabase) {
    this.port = port;
    this.workDir = mkdtempSync(join(tmpdir(), 'tollgate-test-'));
    this.#entry = { child: undefined, workDir: this.workDir };
    live.add(this.#entry);
    this.dataDir = join(this.workDir, 'data');
    this.encryptionKey =
      options.encryptionKey === undefined ? randomBytes(32).toString('base64url') : options.encryptionKey;
    this.#database = database;
    this.#env = childEnv(options, this.encryptionKey, database.url);
    this.databaseUrl = this.#env.DATABASE_URL;
    this.#readyTimeoutMs = options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
    this.#stdout = options.stdout;
    this.#startArgs = ['start', '--port', String(port), '--host', '127.0.0.1', '--data', this.dataDir];
    this.#configFile = options.config === undefined ? undefined : join(this.workDir, 'config.json');
    if (this.#configFile !== undefined) {
      writeFileSync(this.#configFile, JSON.stringify(options.config, null, 2));
      this.#startArgs.push('--config', this.#configFile);
    }
    if (options.tls) this.#startArgs.push('--tls-cert', options.tls.certFile, '--tls-key', options.tls.keyFile);
    this.#startArgs.push(...(options.args ?? []));
  }

  get url(): string {
    return this.#url;
  }

  /** Spawns the server and resolves once it printed its ready line; rejects (with its output) otherwise. */
  launch(): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [TOLLGATE_BIN, ...this.#startArgs], {
        cwd: this.workDir,
        env: this.#env,
        stdio: ['ignore', this.#stdout ?? 'pipe', 'pipe'],
      });
      this.#entry.child = child;
      let generation = '';
      let settled = false;
      const settle = (error?: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (error) reject(error);
        else resolve();
      };
      const onData = (chunk: string) => {
        this.#output += chunk;
        generation += chunk;
        const match = READY_LINE.exec(generation);
        if (match?.[1] !== undefined) {
          this.#url = match[1];
          settle();
        }
      };
      child.stdout?.setEncoding('utf8').on('data', onData);
      child.stderr?.setEncoding('utf8').on('data', onData);
      if (this.#stdout !== undefined) {
        const origin = `http://127.0.0.1:${this.port}`;
        void answersHealthz(origin, () => settled).then((answered) => {
          if (!answered) return;
          this.#url = origin;
          settle();
        });
      }
      const what = describe(this.#startArgs);
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        settle(
          new Error(
            `${what} printed no "Tollgate listening on" within ${this.#readyTimeoutMs} ms\n${tail(generation)}`,
          ),
        );
      }, this.#readyTimeoutMs);
      child.on('error', (error) => settle(error));
      child.on('exit', (code, signal) =>
        settle(new Error(`${what} exited (code ${code}, signal ${signal}) before it was ready\n${tail(generation)}`)),
      );
    });
  }

  cli(args: readonly string[], options: CliOptions = {}): Promise<ProcessResult> {
    const flags: string[] = [];
    if (!options.noData) flags.push('--data', this.dataDir);
    if (this.#configFile !== undefined && !options.noData) flags.push('--config', this.#configFile);
    if (options.json) flags.push('--json');
    // Flags go before a `--`: after it everything is an operand (a kid starting with '-', say).
    const endOfOptions = args.indexOf('--');
    const fullArgs =
      endOfOptions === -1
        ? [...args, ...flags]
        : [...args.slice(0, endOfOptions), ...flags, ...args.slice(endOfOptions)];
    const run: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number; stdin?: string } = {
      cwd: this.workDir,
      env: this.#env,
      timeoutMs: options.timeoutMs ?? CLI_TIMEOUT_MS,
    };
    if (options.stdin !== undefined) run.stdin = options.stdin;
    return runProcess(process.execPath, [TOLLGATE_BIN, ...fullArgs], run);
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    await this.#stopProcess();
    rmSync(this.workDir, { recursive: true, force: true });
    live.delete(this.#entry);
    await this.#database.drop();
  }

  async kill9(): Promise<void> {
    const child = this.#entry.child;
    if (!child) return;
    child.kill('SIGKILL');
    if (!(await waitForExit(child, STOP_GRACE_MS))) throw new Error('the server did not die on SIGKILL');
  }

  async restart(whileStopped?: () => Promise<void>): Promise<void> {
    if (this.#stopped) throw new Error('restart() after stop(): the data directory is gone');
    await this.#stopProcess();
    await whileStopped?.();
    this.#output += '\n--- restart ---\n';
    await this.launch();
  }

  output(): string {
    return this.#output;
  }

  alive(): boolean {
    const child = this.#entry.child;
    return child !== undefined && child.exitCode === null && child.signalCode === null;
  }

  signal(signal: NodeJS.Signals): void {
    this.#entry.child?.kill(signal);
  }

  exited(timeoutMs: number): Promise<boolean> {
    const child = this.#entry.child;
    return child === undefined ? Promise.resolve(true) : waitForExit(child, timeoutMs);
  }

  async #stopProcess(): Promise<void> {
    const child = this.#entry.child;
    if (!child) return;
    child.kill('SIGTERM');
    if (!(await waitForExit(child, STOP_GRACE_MS))) {
      child.kill('SIGKILL');
      await waitForExit(child, STOP_GRACE_MS);
    }
  }
}

/**
 * A free port is free when asked for, not when the server binds it: another process on the machine may take it in
 * between. Only that failure is retried, on a fresh port; anything else fails at once.
 */
const PORT_ATTEMPTS = 3;

export async function startTollgate(options: StartOptions = {}): Promise<TollgateProcess> {
  installExitHooks();
  for (let attempt = 1; ; attempt += 1) {
    // A test that chose its database (a cluster sharing one) gets none of its own; stopping drops one it got.
    const database = options.env?.DATABASE_URL === undefined ? await createTestDatabase() : NO_TEST_DATABASE;
    const server = new ServerUnderTest(options, await freePort(), database);
    try {
      await server.launch();
      await database.assertMigrated();
      return server;
    } catch (error) {
      await server.stop();
      const portTaken = error instanceof Error && error.message.includes('EADDRINUSE');
      if (!portTaken || attempt === PORT_ATTEMPTS) throw error;
    }
  }
}
