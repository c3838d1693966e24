/**
 * `npm run bench -- --soak [--soak-minutes N]`: a bounded soak (10 minutes by default) of two Tollgate nodes and
 * two gateways on one fresh PostgreSQL database and one private Redis, under the mixed load of soak-load.ts.
 * Each minute, at 20 s one node is killed with SIGKILL (alternately A and B) and replaced while the load goes on
 * against the other, and at 40 s Redis is killed and started again, empty, on its port. At the end every
 * acknowledged write is read back from the database: a lost one fails the run. Printed: acknowledged and lost
 * writes, every answer by endpoint and status (unexpected ones are errors), and the RSS of every process at the
 * start (after 15 s of load, before the first fault) and the end (growth above 10 % flagged). Only 127.0.0.1; the database is dropped and every process
 * stopped at the end.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { markdownTable } from './markdown.js';
import { type BenchRedis, createBenchDatabase, startBenchRedis } from './scale-infra.js';
import { rssKib, type SoakCluster, startSoakCluster } from './soak-cluster.js';
import { type Acknowledged, EXPECTED, REVOKED_AGE_MS, type SoakFixture, SoakLoad, type Tally } from './soak-load.js';
import { API, basic } from './seed.js';
import type { BenchServer } from './server.js';

const WORKERS = Number(process.env.BENCH_SOAK_WORKERS) || 3;
const NODE_KILL_AT_S = 20;
const REDIS_RESTART_AT_S = 40;
const RSS_GROWTH_FLAG = 0.1;
const RSS_WARM_UP_S = 15;

interface Faults {
  nodeKills: number;
  redisRestarts: number;
  failures: string[];
}

async function cliJson(node: BenchServer, args: string[], stdin?: string): Promise<Record<string, unknown>> {
  return JSON.parse(await node.cli(args, stdin)) as Record<string, unknown>;
}

/** The fixture, made with the CLI as an operator would, and an admin session signed in over HTTP. */
async function seedSoak(node: BenchServer): Promise<SoakFixture> {
  const password = randomBytes(12).toString('base64url');
  await node.cli(['apis', 'add', API, '--scopes', 'read:data write:data', '--default']);
  const client = await cliJson(node, [
    'clients',
    'add',
    'soak',
    '--scopes',
    'read:data write:data',
    '--grants',
    'client_credentials password refresh_token',
  ]);
  await node.cli(['users', 'add', 'soak', '--password-stdin', '--scopes', 'read:data'], `${password}\n`);
  await node.cli(['users', 'add', 'soak-admin', '--admin', '--password-stdin'], `${password}\n`);
  const response = await fetch(`${node.url}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'soak-admin', password }),
    signal: AbortSignal.timeout(15_000),
  });
  const session = (await response.json()) as { csrfToken?: unknown };
  const cookie = response.headers.getSetCookie()[0]?.split(';')[0];
  if (response.status !== 200 || typeof session.csrfToken !== 'string' || cookie === undefined) {
    throw new Error(`the admin sign-in answered ${response.status}`);
  }
  const clientId = String(client.client_id);
  const clientSecret = String(client.client_secret);
  return {
    authorization: basic(clientId, clientSecret),
    client: { clientId, clientSecret },
    username: 'soak',
    password,
    cookie,
    csrfToken: session.csrfToken,
  };
}

/** Waits until `atMs` after `startMs`, or returns false when the run ends first. */
async function waitUntil(startMs: number, atMs: number, endMs: number): Promise<boolean> {
  const target = startMs + atMs;
  if (target >= startMs + endMs) return false;
  await sleep(Math.max(0, target - Date.now()));
  return true;
}

async function runFaults(cluster: SoakCluster, redis: BenchRedis, minutes: number, faults: Faults): Promise<void> {
  const startMs = Date.now();
  const endMs = minutes * 60_000;
  for (let minute = 0; minute < minutes; minute += 1) {
    const index = minute % 2;
    if (await waitUntil(startMs, minute * 60_000 + NODE_KILL_AT_S * 1000, endMs)) {
      process.stderr.write(`minute ${minute + 1}: kill -9 server ${'AB'[index]}, starting a replacement\n`);
      await cluster.crashAndReplace(index).catch((error: Error) => faults.failures.push(error.message));
      faults.nodeKills += 1;
    }
    if (await waitUntil(startMs, minute * 60_000 + REDIS_RESTART_AT_S * 1000, endMs)) {
      process.stderr.write(`minute ${minute + 1}: restarting Redis\n`);
      await redis.restart().catch((error: Error) => faults.failures.push(error.message));
      faults.redisRestarts += 1;
    }
  }
  await sleep(Math.max(0, startMs + endMs - Date.now()));
}

async function missing(databaseUrl: string, table: string, column: string, values: string[]): Promise<number> {
  if (values.length === 0) return 0;
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    // Table and column are ours (constants); the values go as a parameter.
    const result = await client.query<{ found: string }>(
      `SELECT count(DISTINCT ${column}) AS found FROM ${table} WHERE ${column} = ANY($1)`,
      [values],
    );
    return new Set(values).size - Number(result.rows[0]?.found ?? 0);
  } finally {
    await client.end();
  }
}

function outcomesTable(tally: Tally): { table: string; errors: number } {
  let errors = 0;
  const rows: string[][] = [];
  for (const [endpoint, outcomes] of [...tally].sort(([a], [b]) => a.localeCompare(b))) {
    for (const [outcome, count] of [...outcomes].sort(([a], [b]) => a.localeCompare(b))) {
      const expected = EXPECTED[endpoint] === outcome;
      if (!expected) errors += count;
      rows.push([endpoint, outcome, String(count), expected ? 'expected' : 'error']);
    }
  }
  return { table: markdownTable(['Endpoint', 'Outcome', 'Count', ''], rows), errors };
}

function rssTable(start: Map<string, readonly [number | undefined, number | undefined]>, end: SoakCluster): string {
  const rows: string[][] = [];
  for (const [role, pid] of end.pids()) {
    const [startPid, startKib] = start.get(role) ?? [undefined, undefined];
    const endKib = rssKib(pid);
    const replaced = startPid !== pid;
    const growth = startKib && endKib && !replaced ? endKib / startKib - 1 : Number.NaN;
    const flag = replaced
      ? 'killed and replaced during the run'
      : growth > RSS_GROWTH_FLAG
        ? `GROWTH > ${RSS_GROWTH_FLAG * 100} %`
        : 'ok';
    const mib = (kib: number | undefined) => (kib === undefined ? '-' : (kib / 1024).toFixed(1));
    const pct = Number.isNaN(growth) ? '-' : `${(growth * 100).toFixed(1)} %`;
    rows.push([role, `${startPid ?? '-'} → ${pid ?? '-'}`, mib(startKib), mib(endKib), pct, flag]);
  }
  return markdownTable(['Process', 'pid', 'RSS start (MiB)', 'RSS end (MiB)', 'Growth', ''], rows);
}

async function lostWrites(databaseUrl: string, acknowledged: Acknowledged): Promise<number> {
  return (
    (await missing(databaseUrl, 'revocations', 'jti', acknowledged.revokedJtis)) +
    (await missing(databaseUrl, 'apis', 'identifier', acknowledged.apiIdentifiers))
  );
}

async function soakWith(cluster: SoakCluster, redis: BenchRedis, databaseUrl: string, minutes: number) {
  const node = cluster.node(0) as BenchServer;
  const fixture = await seedSoak(node);
  const configDir = mkdtempSync(join(tmpdir(), 'tollgate-soak-'));
  try {
    await cluster.startGateways(fixture, configDir);
    const load = new SoakLoad(cluster, fixture, randomBytes(4).toString('hex'));
    const faults: Faults = { nodeKills: 0, redisRestarts: 0, failures: [] };
    process.stderr.write(`soak: ${minutes} min, ${WORKERS} workers...\n`);
    const running = load.run(WORKERS);
    const faulting = runFaults(cluster, redis, minutes, faults);
    // The start figure is taken once the load is on and JIT and pools have warmed up, before the first fault.
    await sleep(RSS_WARM_UP_S * 1000);
    const rssStart = new Map([...cluster.pids()].map(([role, pid]) => [role, [pid, rssKib(pid)] as const]));
    await faulting;
    load.stop();
    await running;
    const rss = rssTable(rssStart, cluster);
    return { load, faults, rss, lost: await lostWrites(databaseUrl, load.acknowledged) };
  } finally {
    rmSync(configDir, { recursive: true, force: true });
  }
}

export async function runSoak(minutes: number): Promise<number> {
  const database = await createBenchDatabase();
  if ('unavailable' in database) throw new Error(database.unavailable);
  const redis = await startBenchRedis();
  let cluster: SoakCluster | undefined;
  try {
    if ('unavailable' in redis) throw new Error(redis.unavailable);
    cluster = await startSoakCluster(database.url, redis);
    const { load, faults, rss, lost } = await soakWith(cluster, redis, database.url, minutes);
    const { revokedJtis, apiIdentifiers } = load.acknowledged;
    const outcomes = outcomesTable(load.tally);
    process.stdout.write(
      `\n### Soak: ${minutes} min, two servers + two gateways, PostgreSQL, Redis\n\n` +
        `Faults: ${faults.nodeKills} server kill -9 (each replaced), ${faults.redisRestarts} Redis restarts` +
        `${faults.failures.length > 0 ? `; failed: ${faults.failures.join('; ')}` : ''}\n` +
        `Acknowledged writes: ${revokedJtis.length + apiIdentifiers.length} ` +
        `(${revokedJtis.length} revocations, ${apiIdentifiers.length} admin API creations)\n` +
        `Lost writes: ${lost}\n` +
        `Errors (unexpected answers): ${outcomes.errors}; revoked tokens are sent through a gateway ` +
        `${REVOKED_AGE_MS / 1000} s after their revocation\n\n${outcomes.table}\n\n${rss}\n`,
    );
    return lost > 0 || faults.failures.length > 0 ? 1 : 0;
  } finally {
    await cluster?.stop();
    if (!('unavailable' in redis)) await redis.kill();
    await database.drop();
  }
}
