#!/usr/bin/env node
/**
 * Runs the compiled tests (Node 20 does not expand globs itself) in two passes of ONE `node --test` each:
 *   1. sqlite:   packages/<name>/dist/test/**\/*.test.js (unit tests, including the packages' own PostgreSQL
 *                and Redis tests, which skip themselves without a server) and tests/dist/**\/*.test.js
 *                (integration tests over real HTTP), with the servers under test on SQLite;
 *   2. postgres: the integration tests again (but cluster-/fault-/scale-*, which bring their own PostgreSQL)
 *                with TOLLGATE_TEST_STORE=postgres: each server under test on a
 *                fresh database of the PostgreSQL server at DATABASE_URL (tests/support/store-under-test.ts).
 *                Skipped, saying so and how to run it, when no PostgreSQL answers there.
 * A compiled test whose .ts source is gone is skipped: `tsc -b` never deletes stale output.
 * The `tollgate` bin the tests spawn runs the bundle (scripts/bundle-cli.mjs), which is made again first when a
 * compiled file is newer than it, so `tsc -b` then this script tests what was just compiled.
 *
 * Usage: node scripts/run-tests.mjs [filter ...]   filters keep files whose path contains any of them.
 * Under CI=true a run that skipped anything fails: a suite skipped because PostgreSQL, Redis, nginx, Chromium
 * or openssl is missing would otherwise land a submission that never ran it.
 *
 * Env:   TOLLGATE_TEST_CONCURRENCY overrides the number of test files run at once.
 *        TOLLGATE_TEST_STORE=sqlite|postgres runs one pass only, every selected file on that store.
 *        DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test), REDIS_URL (default redis://127.0.0.1:6379).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { connect } from 'node:net';
import { availableParallelism } from 'node:os';
import { basename, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/**
 * A bound, not an expectation: Node 20 applies it to each test and to each file as a whole, and the
 * slowest integration file waits out a 60 s token lifetime on a machine that may be busy. The PostgreSQL storage
 * contract (one fresh schema per case) passed 240 s when the machine's load average stood at 20.
 */
const TEST_TIMEOUT_MS = 480_000;

function findTestFiles(dir) {
  if (!existsSync(dir)) return [];
  const found = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== 'node_modules') found.push(...findTestFiles(path));
    else if (entry.isFile() && entry.name.endsWith('.test.js')) found.push(path);
  }
  return found;
}

/** packages/x/dist/test/a.test.js -> packages/x/test/a.test.ts; tests/dist/a.test.js -> tests/a.test.ts */
function sourceOf(compiled) {
  return join(ROOT, relative(ROOT, compiled).replace(`${sep}dist${sep}`, sep).replace(/\.js$/, '.ts'));
}

function collect() {
  const packagesDir = join(ROOT, 'packages');
  const packageDirs = existsSync(packagesDir)
    ? readdirSync(packagesDir).map((name) => join(packagesDir, name, 'dist', 'test'))
    : [];
  // node --test runs files in sorted path order whatever order they are given in.
  const compiled = [...packageDirs.flatMap(findTestFiles), ...findTestFiles(join(ROOT, 'tests', 'dist'))].sort();
  const stale = compiled.filter((file) => !existsSync(sourceOf(file)));
  for (const file of stale) process.stderr.write(`skipping ${relative(ROOT, file)}: its source no longer exists\n`);
  return compiled.filter((file) => !stale.includes(file));
}

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const PROBE_TIMEOUT_MS = 3000;

// The tests run the `tollgate` bin, which runs the bundle: after a plain `tsc -b`, bring it up to date first.
const bundling = spawnSync(process.execPath, [join(ROOT, 'scripts', 'bundle-cli.mjs'), '--if-stale'], {
  stdio: 'inherit',
});
if (bundling.status !== 0) process.exit(1);

const filters = process.argv.slice(2);
const files = collect().filter(
  (file) => filters.length === 0 || filters.some((filter) => relative(ROOT, file).includes(filter)),
);
if (files.length === 0) {
  process.stderr.write(
    `no compiled test files found${filters.length ? ` matching ${filters.join(', ')}` : ''}; run \`npm run build\` first\n`,
  );
  process.exit(1);
}
/**
 * The cluster, fault and scale files start their own servers on PostgreSQL (and Redis) whatever the pass, so
 * pass 2 would only run them again; it takes the store-parameterised integration tests.
 */
const OWN_DATABASE_FILES = /^(cluster|fault|scale)-/;
const integrationFiles = files.filter(
  (file) => relative(ROOT, file).startsWith(join('tests', 'dist') + sep) && !OWN_DATABASE_FILES.test(basename(file)),
);

// Integration test files mostly wait on their own server processes: at one file per core a quiet 2-core machine
// sat 20-60 % idle (vmstat during .ci/run), so one file more than the cores keeps both busy without argon2 and the
// servers starving each other.
const concurrency = Number(process.env.TOLLGATE_TEST_CONCURRENCY) || Math.max(2, availableParallelism()) + 1;

let running;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (running) running.kill(signal);
    else process.exit(1);
  });
}

/** Runs one `node --test` over `testFiles` with `store`; echoes its TAP and returns its summary counts. */
function runPass(store, testFiles) {
  const args = [
    '--test',
    '--test-reporter=tap',
    `--test-concurrency=${concurrency}`,
    `--test-timeout=${TEST_TIMEOUT_MS}`,
    ...testFiles.map((file) => relative(ROOT, file)),
  ];
  process.stdout.write(`# ${store} pass: ${testFiles.length} test files, TOLLGATE_TEST_STORE=${store}\n`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: { ...process.env, TOLLGATE_TEST_STORE: store },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    running = child;
    // The summary is the last thing node's TAP reporter prints; keep only the tail.
    let tail = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      process.stdout.write(chunk);
      tail = (tail + chunk).slice(-8192);
    });
    child.on('close', (code, signal) => {
      running = undefined;
      const count = (name) => Number([...tail.matchAll(new RegExp(`^# ${name} (\\d+)$`, 'gm'))].at(-1)?.[1] ?? 0);
      resolve({
        ok: code === 0 && signal === null,
        passed: count('pass'),
        failed: count('fail') + count('cancelled'),
        skipped: count('skipped') + count('todo'),
      });
    });
  });
}

/** Where a URL points, for messages: no password. */
function withoutPassword(url) {
  try {
    const parsed = new URL(url);
    parsed.password = '';
    return parsed.toString();
  } catch {
    return '(an unparsable URL)';
  }
}

/** Why PostgreSQL cannot be used at DATABASE_URL, or undefined when it answers. */
async function postgresUnavailable() {
  const client = new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: PROBE_TIMEOUT_MS });
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message || error.name : String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Why Redis cannot be used at REDIS_URL, or undefined when it answers PING (an auth error is an answer too). */
function redisUnavailable() {
  let host;
  let port;
  try {
    const parsed = new URL(REDIS_URL);
    host = parsed.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1';
    port = Number(parsed.port) || 6379;
  } catch {
    return Promise.resolve('REDIS_URL is not a URL');
  }
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (reason) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(reason);
    };
    const timer = setTimeout(() => done(`no answer within ${PROBE_TIMEOUT_MS} ms`), PROBE_TIMEOUT_MS);
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => done(/^[+-]/.test(data.toString()) ? undefined : 'not a Redis answer'));
    socket.on('error', (error) => done(error.message || error.code));
  });
}

function redisServerInstalled() {
  const probe = spawnSync('redis-server', ['--version'], { stdio: 'ignore', timeout: 5000 });
  return probe.error === undefined && probe.status === 0;
}

function block(lines) {
  const rule = '#'.repeat(100);
  process.stdout.write(`${rule}\n${lines.map((line) => `# ${line}`).join('\n')}\n${rule}\n`);
}

const summaries = [];
const notes = [];
const onlyStore = process.env.TOLLGATE_TEST_STORE;
if (onlyStore !== undefined && onlyStore !== '') {
  summaries.push([onlyStore, await runPass(onlyStore, files)]);
} else {
  summaries.push(['sqlite', await runPass('sqlite', files)]);
  if (integrationFiles.length > 0) {
    const why = await postgresUnavailable();
    if (why === undefined) {
      summaries.push(['postgres', await runPass('postgres', integrationFiles)]);
    } else {
      const where = withoutPassword(DATABASE_URL);
      block([
        `PostgreSQL suite SKIPPED: no PostgreSQL at ${where} (${why}).`,
        `The ${integrationFiles.length} integration test files did not run on PostgreSQL, and the packages' own`,
        'PostgreSQL tests skipped themselves in the sqlite pass.',
        'To run it: start PostgreSQL and set DATABASE_URL=postgres://user@host:port/db (`bash .ci/run` does both).',
      ]);
      notes.push(`postgres: SKIPPED, no PostgreSQL at ${where}`);
    }
  }
}

const redisWhy = await redisUnavailable();
if (redisWhy !== undefined) {
  const where = withoutPassword(REDIS_URL);
  const lines = [
    `Redis suites SKIPPED: no Redis at ${where} (${redisWhy}).`,
    'The tests that need a shared Redis (packages/redis, the gateway rate limit, clusters) skipped themselves.',
    'To run them: start Redis and set REDIS_URL=redis://host:port (`bash .ci/run` does both).',
  ];
  block(lines);
  notes.push(`redis: SKIPPED, no Redis at ${where}`);
}
if (!redisServerInstalled()) {
  block(['Tests that start a private redis-server (Redis outages) skipped themselves: redis-server is not installed.']);
  notes.push('redis-server: not installed, its outage tests SKIPPED');
}

for (const note of notes) process.stdout.write(`# ${note}\n`);
for (const [store, { passed, failed, skipped }] of summaries)
  process.stdout.write(`${store}: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);

const skippedTests = summaries.reduce((sum, [, summary]) => sum + summary.skipped, 0);
const strict = /^(1|true|yes)$/i.test(process.env.CI ?? '');
const incomplete = skippedTests > 0 || notes.length > 0;
if (strict && incomplete) {
  block([
    `CI=true and the run was incomplete: ${skippedTests} test(s) skipped, ${notes.length} suite(s) SKIPPED.`,
    'In CI every service a test needs must be there; see the SKIPPED lines and "# SKIP" reasons above.',
  ]);
}
process.exit(summaries.every(([, summary]) => summary.ok) && !(strict && incomplete) ? 0 : 1);
