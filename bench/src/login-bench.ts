/**
 * `login`: what a JSON login (`POST /token` with `{username, password}`, the built-in login client, SQLite)
 * costs Tollgate beside the argon2id verification it is built around (issue 12: argon2id stays the cost,
 * everything around it at most 10 % on top). In the same run, with the same user's hash:
 *   - Tollgate's server, pinned to the server core (pinning.ts), CPU per login of the whole process and of its
 *     main thread (the event loop) from /proc;
 *   - the bound (login-bound.ts): a bare node:http server that parses the same JSON, looks nothing up and verifies
 *     the password the same way (@node-rs/argon2 on a worker thread), pinned the same way, taking turns with
 *     Tollgate in the rounds (rounds.ts);
 *   - raw argon2id: verifySync of the same password against the same hash in a loop, in this process (the load
 *     generator's core), after every round while no load runs; the median pass counts.
 * Tollgate ÷ raw says what the whole login costs beside argon2id alone; Tollgate ÷ bound what Tollgate's own work
 * costs beside the least any Node server can spend on the same login, argon2's cache and memory effects on the
 * event loop included. Both are reported (docs/performance.md says which reads the issue's 10 %).
 * BENCH_LOGIN_SECONDS (default 3) per target and round, BENCH_LOGIN_ROUNDS (default 5), BENCH_LOGIN_CONNECTIONS
 * (default 4). BENCH_LOGIN_BASELINE_BIN names another build's `tollgate` bin to measure beside this one in the same
 * rounds (before and after a change); BENCH_LOGIN_CPU_PROF_DIR profiles this build's server (`--cpu-prof`).
 */
import { verifySync } from '@node-rs/argon2';
import BetterSqlite3 from 'better-sqlite3';
import { join } from 'node:path';
import { type Child, startChild } from './children.js';
import { formatInteger, markdownTable, median } from './markdown.js';
import { formatRatio } from './peer-table.js';
import { pinLoadGenerator } from './pinning.js';
import { type LoadTarget, type Measured, measureInRounds } from './rounds.js';
import { seed } from './seed.js';
import { type BenchServer, startServer } from './server.js';

const SECONDS_PER_ROUND = Number(process.env.BENCH_LOGIN_SECONDS) || 3;
const ROUNDS = Number(process.env.BENCH_LOGIN_ROUNDS) || 5;
const CONNECTIONS = Number(process.env.BENCH_LOGIN_CONNECTIONS) || 4;
const USERNAME = 'bench-login';
const PASSWORD = 'correct horse battery staple';
const LOGIN_BODY = JSON.stringify({ username: USERNAME, password: PASSWORD });
const RAW_VERIFICATIONS_PER_PASS = 20;

export interface LoginReport {
  table: string;
  pinning: string;
  /** Tollgate's CPU per login (whole process) ÷ one raw argon2id verification's. */
  vsRawArgon2: number;
  /** Tollgate's CPU per login ÷ the bound's (bare node:http + argon2id on a worker thread). */
  vsBound: number;
  failed: boolean;
}

/** A server with the bench API as its default and one user, made with its own CLI. */
async function startLoginServer(bin: string | undefined, nodeArgs: readonly string[]): Promise<BenchServer> {
  const server = await startServer({ ...(bin === undefined ? {} : { bin }), nodeArgs });
  try {
    await seed(server);
    await server.cli(['users', 'add', USERNAME, '--scopes', 'read:data', '--password-stdin'], `${PASSWORD}\n`);
    return server;
  } catch (error) {
    await server.stop();
    throw error;
  }
}

/** The hash `tollgate users add` stored, read from the server's SQLite file. */
function storedHash(server: BenchServer): string {
  const database = new BetterSqlite3(join(server.dataDir, 'tollgate.db'), { readonly: true });
  try {
    const row = database.prepare('select password_hash from users where username = ?').get(USERNAME) as
      | { password_hash: string }
      | undefined;
    if (row === undefined) throw new Error(`no user ${USERNAME} in ${server.dataDir}`);
    return row.password_hash;
  } finally {
    database.close();
  }
}

function cpuMicros(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

/** CPU µs of one verifySync of the password against the hash, on this thread: the mean of one pass. */
function rawArgon2Micros(hash: string): number {
  const started = cpuMicros();
  for (let index = 0; index < RAW_VERIFICATIONS_PER_PASS; index++) {
    if (!verifySync(hash, PASSWORD)) throw new Error('raw argon2id verification of the bench password failed');
  }
  return (cpuMicros() - started) / RAW_VERIFICATIONS_PER_PASS;
}

function loginTarget(name: string, url: string, pid: number | undefined): LoadTarget {
  if (pid === undefined) throw new Error(`${name}: no process id to measure`);
  return { name, url, pid, method: 'POST', headers: { 'content-type': 'application/json' }, body: LOGIN_BODY };
}

function loginTable(rows: readonly Measured[], bound: Measured, rawMicros: number): string {
  const row = (name: string, cells: readonly string[]) => [name, ...cells];
  return markdownTable(
    [
      'JSON login, SQLite',
      'Logins/s',
      'CPU µs/login (process)',
      'Main thread µs/login',
      'Other threads µs/login',
      '÷ raw argon2id',
      '÷ bound',
      'Above bound (µs)',
    ],
    [
      ...[...rows, bound].map((measured) =>
        row(measured.name, [
          formatInteger(measured.requestsPerSecond),
          formatInteger(measured.cpuMicrosPerRequest),
          formatInteger(measured.mainThreadCpuMicrosPerRequest),
          formatInteger(measured.cpuMicrosPerRequest - measured.mainThreadCpuMicrosPerRequest),
          formatRatio(measured.cpuMicrosPerRequest / rawMicros),
          formatRatio(measured.cpuMicrosPerRequest / bound.cpuMicrosPerRequest),
          formatInteger(measured.cpuMicrosPerRequest - bound.cpuMicrosPerRequest),
        ]),
      ),
      row('Raw argon2id verifySync, in a loop', ['', formatInteger(rawMicros), '', '', '1.00x', '', '']),
    ],
  );
}

export async function runLoginBench(): Promise<LoginReport> {
  const pinning = pinLoadGenerator();
  const profileDir = process.env.BENCH_LOGIN_CPU_PROF_DIR;
  const profiling = profileDir === undefined || profileDir === '' ? [] : ['--cpu-prof', `--cpu-prof-dir=${profileDir}`];
  const baselineBin = process.env.BENCH_LOGIN_BASELINE_BIN;
  const started: { stop(): Promise<void> }[] = [];
  try {
    const server = await startLoginServer(undefined, profiling);
    started.push(server);
    const targets = [loginTarget('Tollgate: POST /token {username, password}', `${server.url}/token`, server.pid)];
    if (baselineBin !== undefined && baselineBin !== '') {
      const baseline = await startLoginServer(baselineBin, []);
      started.push(baseline);
      targets.push(loginTarget(`Tollgate baseline (${baselineBin})`, `${baseline.url}/token`, baseline.pid));
    }
    const hash = storedHash(server);
    const bound: Child = await startChild('login-bound.js', [hash]);
    started.push(bound);
    targets.push(loginTarget('Bound: node:http + argon2id on a worker', bound.url, bound.pid));
    for (const target of targets) pinning.pinServer(target.pid);
    rawArgon2Micros(hash); // warm-up, not counted
    const rawSamples: number[] = [];
    const measured = await measureInRounds(targets, {
      label: 'login',
      rounds: ROUNDS,
      secondsPerRound: SECONDS_PER_ROUND,
      connections: CONNECTIONS,
      warmUpSeconds: 1,
      // Raw argon2id takes its turn after every round, so the machine's load weighs on it as on the rounds.
      afterRound: () => rawSamples.push(rawArgon2Micros(hash)),
    });
    const rawMicros = median(rawSamples);
    const tollgate = measured[0] as Measured;
    const boundRow = measured[measured.length - 1] as Measured;
    return {
      table: loginTable(measured.slice(0, -1), boundRow, rawMicros),
      pinning: pinning.description,
      vsRawArgon2: tollgate.cpuMicrosPerRequest / rawMicros,
      vsBound: tollgate.cpuMicrosPerRequest / boundRow.cpuMicrosPerRequest,
      failed: measured.some((row) => row.failures > 0),
    };
  } finally {
    pinning.release();
    await Promise.all(started.map((process) => process.stop()));
  }
}
