/**
 * What the scale benchmark runs beside Tollgate: a throwaway database on the local PostgreSQL server
 * (BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/test), dropped at the end, and a private
 * redis-server on a free loopback port, killed at the end. Both say why when they cannot be had, so the
 * section is skipped with a reason instead of failing the whole run.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { connect, createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';

const ADMIN_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const CONNECT_TIMEOUT_MS = 3_000;
const REDIS_READY_TIMEOUT_MS = 10_000;

export interface BenchDatabase {
  url: string;
  drop(): Promise<void>;
}

export interface BenchRedis {
  url: string;
  /** The running redis-server's process id. */
  pid(): number | undefined;
  /** SIGKILL; idempotent. */
  kill(): Promise<void>;
  /** SIGKILL, then a fresh (empty) redis-server on the same port, resolving once it answers PING. */
  restart(): Promise<void>;
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A fresh database, or the reason there is none. */
export async function createBenchDatabase(): Promise<BenchDatabase | { unavailable: string }> {
  const name = `tollgate_bench_${randomBytes(4).toString('hex')}`;
  try {
    // The name is ours, [a-z0-9_] only: safe to splice (CREATE DATABASE takes no parameters).
    await adminQuery(`CREATE DATABASE ${name}`);
  } catch (error) {
    return { unavailable: `PostgreSQL at ${new URL(ADMIN_URL).host}: ${(error as Error).message}` };
  }
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  // FORCE (PostgreSQL 13+): servers killed without closing their pools leave sessions behind.
  return { url: url.toString(), drop: () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
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

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (answer: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(() => done(false), 500);
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (reply: string) => done(reply.startsWith('+PONG')));
    socket.on('error', () => done(false));
  });
}

function killed(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

async function spawnRedis(port: number): Promise<ChildProcess | { unavailable: string }> {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  const child = spawn('redis-server', args, { stdio: 'ignore' });
  let spawnError: Error | undefined;
  child.on('error', (error) => (spawnError = error));
  const started = Date.now();
  while (!(await answersPing(port))) {
    if (spawnError !== undefined || child.exitCode !== null || Date.now() - started > REDIS_READY_TIMEOUT_MS) {
      await killed(child);
      return { unavailable: `redis-server did not start: ${spawnError?.message ?? 'no answer to PING'}` };
    }
    await sleep(50);
  }
  process.once('exit', () => child.kill('SIGKILL'));
  return child;
}

/** redis-server without persistence on a free port, or the reason there is none. */
export async function startBenchRedis(): Promise<BenchRedis | { unavailable: string }> {
  const port = await freePort();
  let child = await spawnRedis(port);
  if ('unavailable' in child) return child;
  const restart = async () => {
    await killed(child as ChildProcess);
    const next = await spawnRedis(port);
    if ('unavailable' in next) throw new Error(next.unavailable);
    child = next;
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    pid: () => (child as ChildProcess).pid,
    kill: () => killed(child as ChildProcess),
    restart,
  };
}

/**
 * A fetch that sends what a verifier asks of the shared issuer to one node: behind a load balancer the issuer
 * is only a name, and the benchmark pins the verifier to the node that did not see the revocation.
 */
export function routedFetch(issuer: string, nodeUrl: string): typeof fetch {
  const route = (url: string) => (url.startsWith(issuer) ? nodeUrl + url.slice(issuer.length) : url);
  return (input, init) => {
    if (typeof input === 'string') return fetch(route(input), init);
    if (input instanceof URL) return fetch(route(input.href), init);
    return fetch(new Request(route(input.url), input), init);
  };
}

export { freePort };
