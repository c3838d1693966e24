/**
 * Real Redis for the tests: the shared one at REDIS_URL (default redis://127.0.0.1:6379), and private
 * `redis-server` children a test may kill and bring back on the same port to stage an outage.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { type Logger, pino } from 'pino';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Why the shared-Redis tests must skip, or undefined when REDIS_URL answers PING. */
export async function sharedRedisSkipReason(): Promise<string | undefined> {
  return (await answersPing(REDIS_URL))
    ? undefined
    : `no Redis reachable at REDIS_URL (${REDIS_URL}); set REDIS_URL to run these tests`;
}

/** Why the private-instance tests must skip, or undefined when `redis-server` can be run. */
export function privateRedisSkipReason(): string | undefined {
  const probe = spawnSync('redis-server', ['--version'], { stdio: 'ignore' });
  return probe.error === undefined && probe.status === 0 ? undefined : 'redis-server is not on PATH';
}

/** A key prefix no other test (or run) uses, so tests can share one Redis. */
export function uniquePrefix(): string {
  return `tollgate-test:${randomUUID()}:`;
}

export async function answersPing(url: string): Promise<boolean> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 1_000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    disconnectTimeout: 0,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

export interface PrivateRedis {
  url: string;
  port: number;
  /** Kills the server (SIGKILL: an outage, not a shutdown) and waits for it to be gone. */
  kill(): Promise<void>;
  /** SIGSTOP: connections stay open and nothing answers (a hung server). */
  freeze(): void;
  /** SIGCONT after freeze(). */
  thaw(): void;
}

/** Starts `redis-server` on `port` (a free one by default), keeping nothing on disk. */
export async function startPrivateRedis(port?: number): Promise<PrivateRedis> {
  const chosen = port ?? (await freePort());
  const child = spawn(
    'redis-server',
    ['--port', String(chosen), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  const url = `redis://127.0.0.1:${chosen}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await eventually(() => answersPing(url), 10_000, `redis-server on port ${chosen} did not start`);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    url,
    port: chosen,
    kill: () => {
      child.kill('SIGCONT');
      return kill(child, exited);
    },
    freeze: () => child.kill('SIGSTOP'),
    thaw: () => child.kill('SIGCONT'),
  };
}

async function kill(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await exited;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Polls `check` until it is true, or fails with `message` after `timeoutMs`. */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  message: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(message);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export interface CapturedLog {
  logger: Logger;
  /** Every line logged so far, parsed. */
  lines(): Array<{ level: number; msg: string; [field: string]: unknown }>;
  text(): string;
}

/** A real pino logger whose lines the test can read. */
export function captureLog(): CapturedLog {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString('utf8'));
      callback();
    },
  });
  const logger = pino({ level: 'info' }, destination);
  const text = (): string => chunks.join('');
  return {
    logger,
    text,
    lines: () =>
      text()
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as { level: number; msg: string }),
  };
}

export const WARN = 40;
export const INFO = 30;
