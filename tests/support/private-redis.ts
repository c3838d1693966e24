/**
 * A redis-server of the test's own on a free loopback port, with no persistence, so a test can SIGKILL it
 * and start it again on the same port without touching the machine's shared Redis. Every wait is bounded;
 * the process is killed at exit even when a test file crashes.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './ports.js';

const REDIS_SERVER = 'redis-server';
const READY_TIMEOUT_MS = 10_000;
const PING_TIMEOUT_MS = 500;

export interface PrivateRedis {
  readonly url: string;
  readonly port: number;
  /** SIGKILL: the port stops answering at once, as when the Redis host dies. */
  kill9(): Promise<void>;
  /** Starts again on the same port (after kill9), resolving once it answers PING. */
  start(): Promise<void>;
  /** Kills the server for good. Idempotent. */
  stop(): Promise<void>;
  alive(): boolean;
}

/** Why private Redis servers cannot be run here, or undefined when they can. */
export function privateRedisUnavailable(): string | undefined {
  const probe = spawnSync(REDIS_SERVER, ['--version'], { encoding: 'utf8', timeout: 5_000 });
  if (probe.error !== undefined || probe.status !== 0) return `${REDIS_SERVER} is not installed or does not run`;
  return undefined;
}

/** One PING over RESP; true when the answer is +PONG. */
export function redisAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (answer: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(() => done(false), PING_TIMEOUT_MS);
    let reply = '';
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk: string) => {
      reply += chunk;
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
    socket.on('error', () => done(false));
  });
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of live) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
}

function exited(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

class RedisUnderTest implements PrivateRedis {
  readonly port: number;
  #child: ChildProcess | undefined;
  #output = '';

  constructor(port: number) {
    this.port = port;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  alive(): boolean {
    return this.#child !== undefined && this.#child.exitCode === null && this.#child.signalCode === null;
  }

  async start(): Promise<void> {
    if (this.alive()) return;
    // No RDB, no AOF: a restarted Redis is empty, as a replacement Redis would be.
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
    const child = spawn(REDIS_SERVER, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.#child = child;
    live.add(child);
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (this.#output += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (this.#output += chunk));
    child.on('error', (error) => (this.#output += `\n${error.message}`));
    const started = Date.now();
    while (!(await redisAnswers(this.port))) {
      if (!this.alive() || Date.now() - started > READY_TIMEOUT_MS) {
        child.kill('SIGKILL');
        throw new Error(`redis-server on port ${this.port} did not answer PING:\n${this.#output.slice(-3000)}`);
      }
      await sleep(50);
    }
  }

  async kill9(): Promise<void> {
    const child = this.#child;
    if (child === undefined) return;
    child.kill('SIGKILL');
    if (!(await exited(child, 5_000))) throw new Error('redis-server did not die on SIGKILL');
    live.delete(child);
  }

  async stop(): Promise<void> {
    await this.kill9();
    this.#child = undefined;
  }
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  installExitHook();
  const redis = new RedisUnderTest(await freePort());
  await redis.start();
  return redis;
}
