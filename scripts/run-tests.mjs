#!/usr/bin/env node
/**
 * Runs every compiled test in ONE `node --test` process (Node 20 does not expand globs itself):
 *   packages/<name>/dist/test/**\/*.test.js  (unit tests)
 *   tests/dist/**\/*.test.js                 (integration tests over real HTTP)
 * A compiled test whose .ts source is gone is skipped: `tsc -b` never deletes stale output.
 *
 * Usage: node scripts/run-tests.mjs [filter ...]   filters keep files whose path contains any of them.
 * Env:   TOLLGATE_TEST_CONCURRENCY overrides the number of test files run at once.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/**
 * A bound, not an expectation: Node 20 applies it to each test and to each file as a whole, and the
 * slowest integration file waits out a 60 s token lifetime on a machine that may be busy.
 */
const TEST_TIMEOUT_MS = 240_000;

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

// Integration test files mostly wait on their own server process; one file per core keeps argon2 and
// the servers from starving each other on a small machine.
const concurrency = Number(process.env.TOLLGATE_TEST_CONCURRENCY) || Math.max(2, availableParallelism());
const args = [
  '--test',
  '--test-reporter=tap',
  `--test-concurrency=${concurrency}`,
  `--test-timeout=${TEST_TIMEOUT_MS}`,
  ...files.map((file) => relative(ROOT, file)),
];
const child = spawn(process.execPath, args, { cwd: ROOT, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 1));
