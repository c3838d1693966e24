/**
 * `faults`: what a request costs while a dependency hangs, and how soon a node serves again once it answers
 * (issue-level targets: 503 at once, p99 under 50 ms, recovery within a second). Two faults, each against one
 * `tollgate start`:
 *   - PostgreSQL hangs: the server reaches a fresh database of the local PostgreSQL through a relay that stops
 *     relaying (pausable-proxy.ts), so the machine's shared server is never stopped;
 *   - Redis hangs: the bench's own redis-server gets SIGSTOP, and SIGCONT after.
 * Requests are client_credentials tokens, one at a time, for FAULT_SECONDS; the first ones wait for the
 * timeouts that tell the node the dependency hangs, and are reported apart from the rest.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { markdownTable } from './markdown.js';
import { startPausableProxy } from './pausable-proxy.js';
import { createBenchDatabase, startBenchRedis } from './scale-infra.js';
import { seed } from './seed.js';
import { type BenchServer, startServer } from './server.js';

const FAULT_SECONDS = Number(process.env.BENCH_FAULT_SECONDS) || 8;
const REQUEST_TIMEOUT_MS = 15_000;
const RECOVERY_LIMIT_MS = 30_000;
/** Answers slower than this waited for a timeout; the rest were answered without waiting. */
const WAITED_MS = 500;

interface Sample {
  ms: number;
  status: number;
}

async function tokenRequest(url: string, authorization: string): Promise<Sample> {
  const started = performance.now();
  try {
    const response = await fetch(`${url}/token`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    await response.arrayBuffer();
    return { ms: performance.now() - started, status: response.status };
  } catch {
    return { ms: performance.now() - started, status: 0 };
  }
}

function percentile(values: readonly number[], fraction: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] as number;
}

interface FaultRow {
  name: string;
  samples: Sample[];
  recoveryMs: number;
}

/** Hangs the dependency, sends requests one after another, lets it go and times the first 200 after that. */
async function underFault(
  name: string,
  server: BenchServer,
  authorization: string,
  fault: { hang(): void; release(): void },
): Promise<FaultRow> {
  for (let i = 0; i < 20; i += 1) await tokenRequest(server.url, authorization);
  fault.hang();
  const samples: Sample[] = [];
  const until = performance.now() + FAULT_SECONDS * 1000;
  try {
    while (performance.now() < until) samples.push(await tokenRequest(server.url, authorization));
  } finally {
    fault.release();
  }
  const released = performance.now();
  let recoveryMs = Number.NaN;
  while (performance.now() - released < RECOVERY_LIMIT_MS) {
    if ((await tokenRequest(server.url, authorization)).status === 200) {
      recoveryMs = performance.now() - released;
      break;
    }
    await sleep(10);
  }
  return { name, samples, recoveryMs };
}

function rowOf({ name, samples, recoveryMs }: FaultRow): string[] {
  const waited = samples.filter((sample) => sample.ms >= WAITED_MS);
  const atOnce = samples.filter((sample) => sample.ms < WAITED_MS);
  const statuses = new Map<number, number>();
  for (const { status } of atOnce) statuses.set(status, (statuses.get(status) ?? 0) + 1);
  const statusText = [...statuses].map(([status, count]) => `${status || 'error'}×${count}`).join(', ');
  const fixed = (value: number) => (Number.isNaN(value) ? 'n/a' : value.toFixed(1));
  return [
    name,
    `${waited.length} (${waited.map((sample) => Math.round(sample.ms)).join(', ') || '-'})`,
    `${atOnce.length}: ${statusText || '-'}`,
    fixed(
      percentile(
        atOnce.map((sample) => sample.ms),
        0.5,
      ),
    ),
    fixed(
      percentile(
        atOnce.map((sample) => sample.ms),
        0.99,
      ),
    ),
    Number.isNaN(recoveryMs) ? `not within ${RECOVERY_LIMIT_MS / 1000} s` : `${Math.round(recoveryMs)}`,
  ];
}

async function postgresHang(): Promise<string[] | string> {
  const database = await createBenchDatabase();
  if ('unavailable' in database) return database.unavailable;
  const target = new URL(database.url);
  const proxy = await startPausableProxy(target.hostname, Number(target.port) || 5432);
  const proxied = new URL(database.url);
  proxied.hostname = '127.0.0.1';
  proxied.port = String(proxy.port);
  let server: BenchServer | undefined;
  try {
    server = await startServer({ env: { DATABASE_URL: proxied.toString() } });
    const { authorization } = await seed(server);
    const fault = { hang: () => proxy.freeze(), release: () => proxy.thaw() };
    return rowOf(
      await underFault('PostgreSQL hangs (connections open, nothing answers)', server, authorization, fault),
    );
  } finally {
    await server?.stop();
    await proxy.close();
    await database.drop().catch(() => undefined);
  }
}

async function redisHang(): Promise<string[] | string> {
  const redis = await startBenchRedis();
  if ('unavailable' in redis) return redis.unavailable;
  let server: BenchServer | undefined;
  const signal = (name: NodeJS.Signals) => {
    const pid = redis.pid();
    if (pid !== undefined) process.kill(pid, name);
  };
  try {
    server = await startServer({ env: { REDIS_URL: redis.url } });
    const { authorization } = await seed(server);
    const fault = { hang: () => signal('SIGSTOP'), release: () => signal('SIGCONT') };
    return rowOf(await underFault('Redis hangs (SIGSTOP)', server, authorization, fault));
  } finally {
    signal('SIGCONT');
    await server?.stop();
    await redis.kill();
  }
}

export async function runFaultBench(): Promise<string> {
  const rows: string[][] = [];
  const skipped: string[] = [];
  for (const run of [postgresHang, redisHang]) {
    const result = await run();
    if (typeof result === 'string') skipped.push(result);
    else rows.push(result);
  }
  const table = markdownTable(
    [
      'Fault (client_credentials, one request at a time)',
      'Waited for a timeout: n (ms)',
      'Answered at once: n by status',
      'p50 ms',
      'p99 ms',
      'First 200 after release (ms)',
    ],
    rows,
  );
  return [table, ...skipped.map((reason) => `\n_Skipped: ${reason}_`)].join('\n');
}
