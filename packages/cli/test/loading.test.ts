import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { loadedPackages, recordingModules } from './loaded-modules/index.js';
import { BIN, cleanEnv, dataDir, run } from './run.js';

/** Runs `tollgate <args>`, which must succeed, and returns the packages it loaded. */
async function packagesLoadedBy(args: readonly string[]): Promise<Set<string>> {
  const recording = recordingModules();
  const result = await run(args, { env: recording.env, nodeArguments: recording.nodeArguments });
  assert.equal(result.status, 0, result.stderr);
  return loadedPackages(recording.log);
}

/** Runs `tollgate start` until it is listening, stops it, and returns the packages it loaded. */
async function packagesLoadedByStart(data: string): Promise<Set<string>> {
  const recording = recordingModules();
  const args = [...recording.nodeArguments, BIN, 'start', '--port', '0', '--data', data, '--log-level', 'warn'];
  const child = spawn(process.execPath, args, { cwd: data, env: cleanEnv(recording.env) });
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = once(child, 'exit');
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Tollgate listening on')) resolve();
    });
    exited.then(() => reject(new Error(`tollgate start exited: ${output}`)), reject);
  });
  child.kill('SIGTERM');
  const [code] = await exited;
  assert.equal(code, 0, output);
  return loadedPackages(recording.log);
}

/** What only the server and the gateway use: the HTTP stack, logging, Redis, the dashboard. */
const HTTP_STACK = ['fastify', 'pino', 'ioredis', '@tollgate/redis', '@tollgate/dashboard', '@tollgate/gateway'];

describe('each command loads only what it uses', () => {
  it('--version and --help load the command line alone: no configuration, store or core', async () => {
    for (const args of [['--version'], ['--help'], ['apis', '--help']]) {
      const loaded = await packagesLoadedBy(args);
      assert.deepEqual(
        [...loaded].sort(),
        ['@tollgate/cli', '@tollgate/config', '@tollgate/server', 'commander'],
        args.join(' '),
      );
    }
  });

  it('the admin commands load the store and the core but no HTTP stack', async () => {
    const data = dataDir();
    for (const args of [
      ['apis', 'list'],
      ['tokens', 'list'],
      ['keys', 'list'],
    ]) {
      const loaded = await packagesLoadedBy([...args, '--data', data]);
      assert.ok(loaded.has('@tollgate/store-sql') && loaded.has('@tollgate/core'), 'the recording works');
      assert.deepEqual(
        HTTP_STACK.filter((name) => loaded.has(name)),
        [],
        `tollgate ${args.join(' ')}`,
      );
    }
  });

  it('the server loads Fastify without its JSON Schema compilers, which no route uses', async () => {
    const loaded = await packagesLoadedByStart(dataDir());
    assert.ok(loaded.has('fastify'), 'the recording works');
    const compilers = ['ajv', '@fastify/ajv-compiler', '@fastify/fast-json-stringify-compiler'];
    assert.deepEqual(
      compilers.filter((name) => loaded.has(name)),
      [],
    );
  });
});
