import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { type LoadedModules, loadedModules, recordingModules } from './loaded-modules/index.js';
import { BIN, cleanEnv, dataDir, run, tempDir } from './run.js';

/** Runs `tollgate <args>`, which must succeed, and returns what it loaded. */
async function modulesLoadedBy(args: readonly string[]): Promise<LoadedModules> {
  const recording = recordingModules();
  const result = await run(args, { env: recording.env, nodeArguments: recording.nodeArguments });
  assert.equal(result.status, 0, result.stderr);
  return loadedModules(recording.log);
}

/** Runs `tollgate start` until it is listening (and `whileRunning` is done), stops it, and returns what it loaded. */
async function modulesLoadedByStart(
  args: readonly string[],
  env: Record<string, string> = {},
  whileRunning: (url: string) => Promise<void> = async () => {},
): Promise<LoadedModules> {
  const recording = recordingModules();
  const child = spawn(
    process.execPath,
    [...recording.nodeArguments, BIN, 'start', '--port', '0', '--log-level', 'warn', ...args],
    { env: cleanEnv({ ...env, ...recording.env }) },
  );
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = once(child, 'exit');
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const listening = /Tollgate listening on (\S+)/.exec(output);
      if (listening) resolve(listening[1] as string);
    });
    exited.then(() => reject(new Error(`tollgate start exited: ${output}`)), reject);
  });
  try {
    await whileRunning(url);
  } finally {
    child.kill('SIGTERM');
  }
  const [code] = await exited;
  assert.equal(code, 0, output);
  return loadedModules(recording.log);
}

/** The node arguments that report the Node built-in modules loaded (moduleLoadList) on stderr's last line. */
function reportingBuiltins(): string[] {
  const report = join(tempDir(), 'report-builtins.cjs');
  writeFileSync(
    report,
    'process.on("exit", () => process.stderr.write("\\n" + JSON.stringify(process.moduleLoadList)));',
  );
  return ['--require', report];
}

function reportedBuiltins(stderr: string): string[] {
  return JSON.parse(stderr.split('\n').at(-1) as string) as string[];
}

/** Runs `tollgate <args>`, which must succeed, and returns the Node built-in modules it loaded (moduleLoadList). */
async function builtinsLoadedBy(args: readonly string[]): Promise<string[]> {
  const result = await run(args, { nodeArguments: reportingBuiltins() });
  assert.equal(result.status, 0, result.stderr);
  return reportedBuiltins(result.stderr);
}

/** The same with stdin a file (/dev/null), as a script's or a service's often is: Node reads it with a file stream. */
async function builtinsLoadedWithStdinAFile(args: readonly string[]): Promise<string[]> {
  const child = spawn(process.execPath, [...reportingBuiltins(), BIN, ...args], {
    cwd: tempDir(),
    env: cleanEnv(),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const [code] = await once(child, 'close');
  assert.equal(code, 0, stderr);
  return reportedBuiltins(stderr);
}

/** The names among `names` that were loaded. */
function loadedOf(loaded: LoadedModules, names: readonly string[]): string[] {
  return names.filter((name) => loaded.packages.has(name));
}

/** The loaded modules whose path matches `pattern`, relative to packages/. */
function modulesMatching(loaded: LoadedModules, pattern: RegExp): string[] {
  return [...loaded.modules]
    .map((module) => module.replace(/^.*\/packages\//, ''))
    .filter((path) => pattern.test(path));
}

/** What only the server and the gateway use: the HTTP stack, logging, Redis, the dashboard, the proxy. */
const HTTP_STACK = [
  'fastify',
  'pino',
  'ioredis',
  '@tollgate/redis',
  '@tollgate/dashboard',
  '@tollgate/gateway',
  'undici',
];
/** What no command needs unless configured so: node-postgres, the YAML parser (a config file), argon2 (passwords). */
const UNLESS_CONFIGURED = ['pg', 'pg-pool', 'pg-protocol', 'yaml', '@node-rs/argon2'];
/**
 * The migrations and Kysely's Migrator: loaded only when a database has a migration to apply (store-sql's
 * migrations/index.ts checks the recorded names with one query first).
 */
const MIGRATION_CODE = /^store-sql\/src\/migrations\/(\d{3}_\w+|all|migrator)\.ts$/;
/** The server's own HTTP modules: the app, its routes, the start-up; not the configuration or opening the store. */
const SERVER_HTTP_MODULES = /^server\/src\/(app|start|readiness|redis|logging)\.ts$|^server\/src\/(http|routes)\//;

describe('each command loads only what it uses', () => {
  it('runs from its bundle: no compiled workspace module is loaded on its own', async () => {
    const loaded = await modulesLoadedBy(['--version']);
    const files = [...loaded.files].map((file) => file.replace(/^.*\/packages\//, ''));
    assert.ok(files.includes('cli/dist/bundle/tollgate.cjs'), files.join('\n'));
    assert.deepEqual(
      files.filter((file) => /^[^/]+\/dist\/src\//.test(file)),
      [],
    );
  });

  it("turns Node's source maps off: the chunks' maps are read only when a stack trace is formatted", async () => {
    // Node's own (--enable-source-maps, process.setSourceMapsEnabled) read every chunk's map as it loads.
    const report = 'process.on("exit", () => process.stderr.write("source maps: " + process.sourceMapsEnabled))';
    const nodeArguments = ['--import', `data:text/javascript,${encodeURIComponent(report)}`];
    for (const args of [['--version'], ['apis', 'list', '--data', dataDir()]]) {
      const result = await run(args, { nodeArguments });
      assert.equal(result.status, 0, result.stderr);
      assert.equal(result.stderr.split('\n').at(-1), 'source maps: false', args.join(' '));
    }
  });

  it('only the gateway command loads node:cluster', async () => {
    for (const args of [['--version'], ['apis', 'list', '--data', dataDir()]]) {
      assert.ok(!(await builtinsLoadedBy(args)).includes('NativeModule cluster'), args.join(' '));
    }
  });

  it('--version, --help and the admin commands load no node:child_process', async () => {
    // commander requires it at load for executable subcommands, which Tollgate has none of: the bundle moves the
    // require to where commander spawns (scripts/bundle-cli.mjs). It brought node:net and node:dgram to --version.
    const data = dataDir();
    for (const args of [
      ['--version'],
      ['--help'],
      ['apis', 'list', '--data', data],
      ['tokens', 'list', '--data', data],
    ]) {
      const loaded = await builtinsLoadedBy(args);
      assert.deepEqual(
        ['NativeModule child_process', 'NativeModule dgram'].filter((name) => loaded.includes(name)),
        [],
        args.join(' '),
      );
    }
  });

  it('makes no stream of stdin unless the command reads it (a file stream when stdin is a file)', async () => {
    // main.ts hands the commands process.stdin through a getter: Node makes the stream on first use.
    for (const args of [['--version'], ['apis', 'list', '--data', dataDir()]]) {
      const loaded = await builtinsLoadedWithStdinAFile(args);
      assert.ok(!loaded.includes('NativeModule internal/fs/streams'), args.join(' '));
    }
  });

  it("starts no ES module loader: the bin and the bundle are CommonJS (the code cache's format)", async () => {
    assert.ok(!(await builtinsLoadedBy(['--version'])).includes('NativeModule internal/modules/esm/module_job'));
  });

  it('--version and --help load the command line alone: no configuration, store or core', async () => {
    for (const args of [['--version'], ['--help'], ['apis', '--help']]) {
      const loaded = await modulesLoadedBy(args);
      assert.deepEqual(
        [...loaded.packages].sort(),
        ['@tollgate/cli', '@tollgate/config', '@tollgate/server', 'commander'],
        args.join(' '),
      );
    }
  });

  it('the admin commands load the store and the core but no HTTP stack, server route, PostgreSQL or YAML', async () => {
    const data = dataDir();
    for (const args of [
      ['apis', 'list'],
      ['tokens', 'list'],
      ['keys', 'list'],
    ]) {
      const loaded = await modulesLoadedBy([...args, '--data', data]);
      const command = `tollgate ${args.join(' ')}`;
      assert.ok(loaded.packages.has('@tollgate/store-sql') && loaded.packages.has('@tollgate/core'), 'recorded');
      assert.ok(loaded.packages.has('better-sqlite3'), `${command} opens SQLite`);
      assert.deepEqual(loadedOf(loaded, [...HTTP_STACK, ...UNLESS_CONFIGURED]), [], command);
      assert.deepEqual(modulesMatching(loaded, SERVER_HTTP_MODULES), [], command);
      assert.deepEqual(modulesMatching(loaded, MIGRATION_CODE), [], `${command} on a current database`);
    }
  });

  it('migrating a new database loads the migrations', async () => {
    const loaded = await modulesLoadedBy(['migrate', '--data', tempDir()]);
    assert.ok(modulesMatching(loaded, MIGRATION_CODE).includes('store-sql/src/migrations/001_initial.ts'));
  });

  it('the chunks an admin command and the server load are ASCII, so V8 holds their source one byte a character', async () => {
    // One character outside Latin-1 makes V8 keep a whole chunk's source, which it holds for lazy compilation, as
    // two-byte text: for the server's chunk (~580 KiB) that is as much again. ASCII is what the bundle can be held
    // to (scripts/bundle-cli.mjs: charset 'ascii', no JSDoc comments), except in a template literal's text, which
    // the charset option leaves as written: the server's chunk is checked for that.
    const data = dataDir();
    for (const loaded of [
      await modulesLoadedBy(['apis', 'list', '--data', data]),
      await modulesLoadedByStart(['--data', data]),
    ]) {
      const chunks = [...loaded.files].filter((file) => file.includes('/dist/bundle/'));
      assert.ok(chunks.length > 10, 'recorded');
      const notAscii = chunks.filter((file) => /[^\x00-\x7f]/.test(readFileSync(file, 'utf8')));
      assert.deepEqual(notAscii, []);
    }
  });

  it("serves /dashboard from the bundle with the server's chunk compiled from the code cache", async () => {
    // V8 loses the dynamic-import callback of code compiled from a cache (nodejs/node#35375): the dashboard package,
    // an ES module, must be loaded another way, and the server's chunk must still be cached (bundle-loader.ts).
    const data = dataDir();
    const dashboardAnswers = async (url: string) => {
      const response = await fetch(`${url}/dashboard/`);
      assert.equal(response.status, 200, await response.text());
    };
    const loaded = await modulesLoadedByStart(['--data', data], {}, dashboardAnswers);
    const serverChunk = [...loaded.files].find(
      (file) => existsSync(`${file}.map`) && readFileSync(`${file}.map`, 'utf8').includes('/routes/dashboard.ts'),
    );
    assert.ok(serverChunk !== undefined, 'recorded');
    const cacheDirectory = join(dirname(serverChunk), 'code-cache');
    const cached = readdirSync(cacheDirectory).filter((name) => name.startsWith(`${basename(serverChunk)}.`));
    assert.equal(cached.length, 1, `the server's chunk has a code cache: ${cached.join(', ')}`);
    await modulesLoadedByStart(['--data', data], {}, dashboardAnswers);
  });

  it('a config file loads the YAML parser', async () => {
    const data = dataDir();
    const config = join(data, 'tollgate.yaml');
    writeFileSync(config, `dataDir: ${JSON.stringify(data)}\n`);
    const loaded = await modulesLoadedBy(['apis', 'list', '--config', config]);
    assert.deepEqual(loadedOf(loaded, ['yaml']), ['yaml']);
  });

  it('the server on SQLite loads no PostgreSQL, Redis, dashboard, OpenAPI document, JSON Schema compiler or webhook client', async () => {
    const loaded = await modulesLoadedByStart(['--data', dataDir()]);
    assert.ok(loaded.packages.has('fastify') && loaded.packages.has('better-sqlite3'), 'recorded');
    const compilers = ['ajv', '@fastify/ajv-compiler', '@fastify/fast-json-stringify-compiler', 'light-my-request'];
    // undici sends webhooks (webhook-sender.ts): it loads at the first delivery.
    const unused = ['pg', 'ioredis', '@tollgate/redis', '@tollgate/dashboard', '@node-rs/argon2', 'yaml', 'undici'];
    assert.deepEqual(loadedOf(loaded, [...compilers, ...unused]), []);
    assert.deepEqual(modulesMatching(loaded, /openapi-(document|operations|schemas)\.ts$/), []);
    assert.deepEqual(modulesMatching(loaded, MIGRATION_CODE), [], 'on a current database');
  });
});
