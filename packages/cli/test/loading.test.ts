import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadedPackages, recordingModules } from './loaded-modules/index.js';
import { dataDir, run } from './run.js';

/** Runs `tollgate <args>`, which must succeed, and returns the packages it loaded. */
async function packagesLoadedBy(args: readonly string[]): Promise<Set<string>> {
  const recording = recordingModules();
  const result = await run(args, { env: recording.env, nodeArguments: recording.nodeArguments });
  assert.equal(result.status, 0, result.stderr);
  return loadedPackages(recording.log);
}

/** What only the server and the gateway use: the HTTP stack, logging, Redis, the dashboard. */
const HTTP_STACK = ['fastify', 'pino', 'ioredis', '@tollgate/redis', '@tollgate/dashboard', '@tollgate/gateway'];

describe('each command loads only what it uses', () => {
  it('--version and --help load the command line alone: no configuration, store or core', async () => {
    for (const args of [['--version'], ['--help'], ['apis', '--help']]) {
      const loaded = await packagesLoadedBy(args);
      assert.deepEqual([...loaded].sort(), ['@tollgate/cli', '@tollgate/server', 'commander'], args.join(' '));
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
});
