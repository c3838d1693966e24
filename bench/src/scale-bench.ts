/**
 * Scale-out, side by side in one run on this machine:
 *   - client_credentials tokens per second and introspections per second with one server on SQLite, one server on
 *     PostgreSQL, and two servers sharing that PostgreSQL database (and a Redis), the load split across both: one
 *     autocannon per node, run concurrently, their rates summed, the worse node's latency shown;
 *   - how long a revocation at node A takes to reach an SDK verifier subscribed to node B's revocation stream
 *     (timed from the revocation's 200 to the first refusal, the verifier polled locally every millisecond), with
 *     the Redis nudge and, Redis killed, with only the database poll.
 * Everything runs on 127.0.0.1, for BENCH_SCALE_SECONDS (default 5) per row; the database is dropped and every
 * process stopped at the end. Without PostgreSQL the section says why and is skipped.
 */
import autocannon from 'autocannon';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { createVerifier, type Verifier } from '@tollgate/verify';
import { formatInteger, markdownTable } from './markdown.js';
import { type BenchRedis, createBenchDatabase, freePort, routedFetch, startBenchRedis } from './scale-infra.js';
import { API, type Seeded, seed } from './seed.js';
import { type BenchServer, startServer } from './server.js';

const DURATION_SECONDS = Number(process.env.BENCH_SCALE_SECONDS) || 5;
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS) || 10;
const REVOCATIONS = Number(process.env.BENCH_SCALE_REVOCATIONS) || 200;
/** A revocation that has not arrived by then is reported as lost rather than waited for. */
const GIVE_UP_MS = 5_000;

export interface SqliteTarget {
  url: string;
  authorization: string;
}

export interface ScaleReport {
  throughput: string;
  propagation: string;
  failed: boolean;
}

interface Load {
  rate: number;
  p50: number;
  p99: number;
  failures: number;
}

async function post(url: string, authorization: string, body: string): Promise<Record<string, unknown>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
    body,
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}: ${text}`);
  // RFC 7009 2.2: a revocation's 200 has no body.
  return text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
}

async function issue(url: string, authorization: string): Promise<string> {
  return String((await post(`${url}/token`, authorization, 'grant_type=client_credentials')).access_token);
}

/** One autocannon per node, concurrently, the connections split between them. */
async function load(nodes: readonly string[], authorization: string, path: string, body: string): Promise<Load> {
  for (const node of nodes) await post(`${node}${path}`, authorization, body);
  const connections = Math.max(1, Math.round(CONNECTIONS / nodes.length));
  const results = await Promise.all(
    nodes.map((node) =>
      autocannon({
        url: `${node}${path}`,
        method: 'POST',
        headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
        body,
        connections,
        duration: DURATION_SECONDS,
        timeout: 10,
      }),
    ),
  );
  return {
    rate: results.reduce((sum, result) => sum + result.requests.average, 0),
    p50: Math.max(...results.map((result) => result.latency.p50)),
    p99: Math.max(...results.map((result) => result.latency.p99)),
    failures: results.reduce((sum, result) => sum + result.errors + result.timeouts + result.non2xx, 0),
  };
}

async function throughputRow(name: string, nodes: readonly string[], authorization: string): Promise<string[]> {
  process.stderr.write(`measuring ${name} for 2 x ${DURATION_SECONDS} s...\n`);
  const token = await issue(nodes[0] as string, authorization);
  const tokens = await load(nodes, authorization, '/token', 'grant_type=client_credentials');
  const introspections = await load(nodes, authorization, '/introspect', new URLSearchParams({ token }).toString());
  return [
    name,
    formatInteger(tokens.rate),
    `${tokens.p50} / ${tokens.p99}`,
    formatInteger(introspections.rate),
    `${introspections.p50} / ${introspections.p99}`,
    String(tokens.failures + introspections.failures),
  ];
}

async function refused(verifier: Verifier, token: string): Promise<boolean> {
  try {
    await verifier.verify(token);
    return false;
  } catch {
    return true;
  }
}

/** Milliseconds from each revocation's 200 at `revokeAt` to the verifier's first refusal; Infinity when lost. */
async function propagationTimes(
  revokeAt: string,
  verifier: Verifier,
  seeded: Seeded,
  count: number,
): Promise<number[]> {
  const times: number[] = [];
  for (let index = 0; index < count; index += 1) {
    const token = await issue(revokeAt, seeded.authorization);
    if (await refused(verifier, token)) throw new Error('the verifier refused a fresh token');
    await post(`${revokeAt}/revoke`, seeded.authorization, new URLSearchParams({ token }).toString());
    const revokedAt = performance.now();
    let elapsedMs = 0;
    while (!(await refused(verifier, token))) {
      elapsedMs = performance.now() - revokedAt;
      if (elapsedMs > GIVE_UP_MS) break;
      await sleep(1);
    }
    times.push(elapsedMs > GIVE_UP_MS ? Number.POSITIVE_INFINITY : performance.now() - revokedAt);
  }
  return times;
}

function percentile(sorted: readonly number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] ?? Number.NaN;
}

function propagationRow(name: string, times: readonly number[]): string[] {
  const sorted = [...times].sort((a, b) => a - b);
  const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(1) : 'lost');
  const lost = times.filter((time) => !Number.isFinite(time)).length;
  const cells = [percentile(sorted, 0.5), percentile(sorted, 0.99), sorted.at(-1) ?? Number.NaN].map(ms);
  return [name, String(times.length), ...cells, String(lost)];
}

interface Nodes {
  issuer: string;
  a: BenchServer;
  b: BenchServer;
}

async function startNodes(databaseUrl: string, redis: BenchRedis | undefined): Promise<Nodes> {
  // Behind a load balancer the nodes share one issuer and one encryption key.
  const env: Record<string, string> = {
    DATABASE_URL: databaseUrl,
    TOLLGATE_ISSUER: `http://127.0.0.1:${await freePort()}`,
    TOLLGATE_ENCRYPTION_KEY: randomBytes(32).toString('base64url'),
  };
  if (redis !== undefined) env.REDIS_URL = redis.url;
  const a = await startServer({ env });
  try {
    return { issuer: env.TOLLGATE_ISSUER as string, a, b: await startServer({ env }) };
  } catch (error) {
    await a.stop();
    throw error;
  }
}

async function measurePropagation(nodes: Nodes, seeded: Seeded, redis: BenchRedis | undefined): Promise<string[][]> {
  const verifier = createVerifier({
    issuer: nodes.issuer,
    audience: API,
    client: seeded.client,
    fetch: routedFetch(nodes.issuer, nodes.b.url),
  });
  try {
    await verifier.ready();
    const rows: string[][] = [];
    if (redis !== undefined) {
      process.stderr.write(`timing ${REVOCATIONS} revocations from A to a verifier at B (Redis)...\n`);
      rows.push(
        propagationRow(
          'A → verifier at B, Redis nudge',
          await propagationTimes(nodes.a.url, verifier, seeded, REVOCATIONS),
        ),
      );
      await redis.kill();
    }
    const count = Math.ceil(REVOCATIONS / 2);
    process.stderr.write(`timing ${count} revocations from A to a verifier at B (no Redis)...\n`);
    rows.push(
      propagationRow(
        'A → verifier at B, database poll only',
        await propagationTimes(nodes.a.url, verifier, seeded, count),
      ),
    );
    return rows;
  } finally {
    await verifier.close();
  }
}

export async function runScaleBench(sqlite: SqliteTarget): Promise<ScaleReport | { skipped: string }> {
  const database = await createBenchDatabase();
  if ('unavailable' in database) return { skipped: database.unavailable };
  const redis = await startBenchRedis();
  const sharedRedis = 'unavailable' in redis ? undefined : redis;
  let nodes: Nodes | undefined;
  try {
    nodes = await startNodes(database.url, sharedRedis);
    const seeded = await seed(nodes.a);
    const rows = [
      await throughputRow('SQLite, one server', [sqlite.url], sqlite.authorization),
      await throughputRow('PostgreSQL, one server', [nodes.a.url], seeded.authorization),
      await throughputRow(
        `PostgreSQL, two servers${sharedRedis ? ' + Redis' : ''}`,
        [nodes.a.url, nodes.b.url],
        seeded.authorization,
      ),
    ];
    const propagation = await measurePropagation(nodes, seeded, sharedRedis);
    const headers = ['Setup', 'Tokens/s', 'p50 / p99 (ms)', 'Introspections/s', 'p50 / p99 (ms)', 'Failures'];
    const revocationHeaders = ['Path', 'Revocations', 'p50 (ms)', 'p99 (ms)', 'max (ms)', 'Lost (> 5 s)'];
    return {
      throughput:
        `${DURATION_SECONDS} s per measurement, ${CONNECTIONS} connections split evenly across the nodes; ` +
        `the servers, PostgreSQL, Redis and the load generator share this machine.\n\n${markdownTable(headers, rows)}`,
      propagation: markdownTable(revocationHeaders, propagation),
      failed: rows.some((row) => row[5] !== '0') || propagation.some((row) => row[5] !== '0'),
    };
  } finally {
    await Promise.all([nodes?.a.stop(), nodes?.b.stop()]);
    await sharedRedis?.kill();
    await database.drop();
  }
}
