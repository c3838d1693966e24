/**
 * The test runner under CI=true: a suite that skipped itself because a service is missing fails the run,
 * so a submission can never land green without having run it. Outside CI the same run passes and says
 * SKIPPED. Drives scripts/run-tests.mjs over one small compiled Redis test file with REDIS_URL pointing
 * at a port where nothing listens.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import { REPO_ROOT } from './support/paths.js';

/** A loopback port that was free a moment ago: nothing answers there. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

interface RunResult {
  code: number | null;
  output: string;
}

function runTests(filter: string, env: Record<string, string | undefined>): Promise<RunResult> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  delete childEnv.TOLLGATE_TEST_STORE;
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) delete childEnv[name];
    else childEnv[name] = value;
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['scripts/run-tests.mjs', filter], {
      cwd: REPO_ROOT,
      env: childEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

const REDIS_TEST = 'packages/redis/dist/test/signal.test.js';

describe('the test runner under CI', () => {
  it('fails a CI run in which a suite skipped for a missing Redis', async () => {
    const url = `redis://127.0.0.1:${await deadPort()}`;
    const result = await runTests(REDIS_TEST, { CI: 'true', REDIS_URL: url });
    assert.equal(result.code, 1, result.output);
    assert.match(result.output, /Redis suites SKIPPED/);
    assert.match(result.output, /CI=true and the run was incomplete: \d+ test\(s\) skipped/);
  });

  it('passes the same run outside CI, saying SKIPPED', async () => {
    const url = `redis://127.0.0.1:${await deadPort()}`;
    const result = await runTests(REDIS_TEST, { CI: undefined, REDIS_URL: url });
    assert.equal(result.code, 0, result.output);
    assert.match(result.output, /Redis suites SKIPPED/);
    assert.doesNotMatch(result.output, /run was incomplete/);
  });

  it('passes a CI run in which nothing was skipped', async () => {
    const result = await runTests('packages/jwt/dist/test/sign.test.js', { CI: 'true' });
    assert.equal(result.code, 0, result.output);
    assert.match(result.output, /^sqlite: \d+ passed, 0 failed, 0 skipped$/m);
  });
});
