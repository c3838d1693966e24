#!/usr/bin/env node
/**
 * Bundles the `tollgate` command (packages/cli/dist/src/main.js, as tsc compiled it, with the server, the gateway
 * and the demo it starts) into CommonJS chunks (.cjs) in packages/cli/dist/bundle/, which bin/tollgate.js runs
 * through bundle-loader.cjs (packages/cli/src/bundle-loader.ts) with a V8 code cache: CommonJS because Node 20 has no
 * code cache for ES modules, while vm.Script takes one. The chunks are strict mode, as the ES modules they come from.
 *
 * Why: loading ~900 separate modules (resolving, reading and compiling each) was most of the time `tollgate start`
 * and the admin commands took. A chunk is read and compiled once for all the modules in it.
 * Each dynamic `import()` in the sources becomes a chunk boundary (a `require` of the chunk, in a promise), so a command loads only the chunks for what it
 * uses: `--version` the command line, `apis list` the configuration, store and core (packages/cli/src/data.ts),
 * `start` the HTTP stack too; node-postgres, ioredis, the gateway and the OpenAPI document only where they are used.
 * packages/cli/test/loading.test.ts checks that, through the chunks' source maps.
 *
 * Left outside the bundle, loaded from node_modules as before: native addons (better-sqlite3, @node-rs/argon2 and
 * pg-native, which node-postgres loads only if asked), and @tollgate/dashboard, which finds its built files next to
 * itself. Source maps (.cjs.map) chain through tsc's own back to the TypeScript sources; the entry
 * source-mapped-stacks.cjs, which bin/tollgate.js loads first, reads them when a stack trace is formatted, so stack
 * traces name src/*.ts files and lines. The third entry, bundle-loader.cjs, loads the command's chunks.
 *
 * Usage: node scripts/bundle-cli.mjs             bundle (npm run build does, after tsc -b)
 *        node scripts/bundle-cli.mjs --if-stale  only when a compiled file is newer than the bundle (run-tests.mjs)
 */
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rolldown } from 'rolldown';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PACKAGES = join(ROOT, 'packages');
const ENTRY = join(PACKAGES, 'cli', 'dist', 'src', 'main.js');
/** Loaded by the bin before the command: maps stack traces through the chunks' source maps when they are printed. */
const STACKS_ENTRY = join(PACKAGES, 'cli', 'dist', 'src', 'source-mapped-stacks.js');
/** Loaded by the bin to run the command's chunks with a code cache. */
const LOADER_ENTRY = join(PACKAGES, 'cli', 'dist', 'src', 'bundle-loader.js');
const BUNDLE_DIR = join(PACKAGES, 'cli', 'dist', 'bundle');
const BUNDLE_ENTRY = join(BUNDLE_DIR, 'tollgate.cjs');

/**
 * Loaded from node_modules at run time rather than bundled. Native addons find their compiled `.node` file
 * relative to their own folder, and the dashboard its built files. Fastify requires its JSON Schema compilers
 * (ajv, fast-json-stringify: some 600 KiB) only when no others are given, and light-my-request only for inject():
 * the server gives its own compilers (packages/server/src/http/schema-compilers.ts) and never injects, so bundled
 * they would only be read and compiled at every start for nothing.
 */
const EXTERNAL_PACKAGES = [
  'better-sqlite3',
  '@node-rs/argon2',
  'pg-native',
  '@tollgate/dashboard',
  '@fastify/ajv-compiler',
  '@fastify/fast-json-stringify-compiler',
  'light-my-request',
];
const BUILTINS = new Set(builtinModules);

function isExternal(id) {
  if (id.startsWith('node:') || BUILTINS.has(id)) return true;
  return EXTERNAL_PACKAGES.some((name) => id === name || id.startsWith(`${name}/`));
}

/** A workspace package's compiled file: packages/<name>/dist/... */
function isCompiledWorkspaceFile(id) {
  return id.startsWith(PACKAGES + sep) && id.includes(`${sep}dist${sep}`) && id.endsWith('.js');
}

/**
 * Hands the bundler tsc's source map with each compiled file, so the bundle's maps lead back to the .ts sources
 * rather than to the compiled JavaScript.
 */
const compiledSourceMaps = {
  name: 'tollgate-compiled-source-maps',
  async load(id) {
    if (!isCompiledWorkspaceFile(id)) return null;
    const code = await readFile(id, 'utf8');
    const mapFile = `${id}.map`;
    return { code, map: existsSync(mapFile) ? await readFile(mapFile, 'utf8') : null };
  },
};

/**
 * commander requires node:child_process when it loads, for executable subcommands (`command('name', 'description')`
 * runs `<program>-name` as a child process), which Tollgate has none of. Loading it, and node:net, node:dgram and
 * the rest it brings, was 5 % of `tollgate apis list` and a quarter of `--version` above `node -e 0` (callgrind):
 * the require moves to the one place commander spawns. The bundle is not made if commander's line changes
 * (a new commander is then to be looked at); packages/cli/test/loading.test.ts checks that no command but
 * `gateway` loads node:child_process.
 */
const COMMANDER_COMMAND = join('node_modules', 'commander', 'lib', 'command.js');
const COMMANDER_EAGER_REQUIRE = "const childProcess = require('node:child_process');";
const COMMANDER_LAZY_REQUIRE =
  "const childProcess = { spawn: (...args) => require('node:child_process').spawn(...args) };";
const lazyCommanderChildProcess = {
  name: 'tollgate-lazy-commander-child-process',
  transform(code, id) {
    if (!id.endsWith(COMMANDER_COMMAND)) return null;
    if (code.split(COMMANDER_EAGER_REQUIRE).length !== 2) {
      throw new Error(`${id}: expected one \`${COMMANDER_EAGER_REQUIRE}\` (scripts/bundle-cli.mjs)`);
    }
    // The same line, so the source map's lines stay right.
    return { code: code.replace(COMMANDER_EAGER_REQUIRE, COMMANDER_LAZY_REQUIRE), map: null };
  },
};

/** Chunk file names say whose code they start with: `server-<hash>.cjs`, `cli-data-<hash>.cjs`. */
function chunkName(chunk) {
  const facade = chunk.facadeModuleId;
  if (facade === null || !isCompiledWorkspaceFile(facade)) return `${chunk.name}-[hash].cjs`;
  const [name, , , ...rest] = relative(PACKAGES, facade).split(sep);
  const file = rest.join('-').replace(/\.js$/, '');
  return `${file === 'index' ? name : `${name}-${file}`}-[hash].cjs`;
}

/** Warnings that mean the bundle would not run as the compiled files do. */
const FATAL_WARNINGS = new Set(['UNRESOLVED_IMPORT', 'MISSING_EXPORT', 'IMPORT_IS_UNDEFINED', 'EVAL']);

async function bundleCli() {
  const fatal = [];
  const bundle = await rolldown({
    cwd: ROOT,
    input: { tollgate: ENTRY, 'source-mapped-stacks': STACKS_ENTRY, 'bundle-loader': LOADER_ENTRY },
    platform: 'node',
    external: isExternal,
    plugins: [compiledSourceMaps, lazyCommanderChildProcess],
    onLog(level, log, handle) {
      if (level === 'warn' && FATAL_WARNINGS.has(log.code) && !log.id?.includes(`${sep}node_modules${sep}`)) {
        fatal.push(log.message);
      }
      handle(level, log);
    },
  });
  try {
    // Nothing is replaced by a bundle that would not run.
    if (fatal.length > 0) throw new Error(`the bundle would not run as the compiled files do:\n${fatal.join('\n')}`);
    rmSync(BUNDLE_DIR, { recursive: true, force: true });
    const { output } = await bundle.write({
      dir: BUNDLE_DIR,
      format: 'cjs',
      // ES modules are strict mode code; the chunks made from them must stay so.
      strict: true,
      // Class and function names stay as written: errors and Fastify's plugins are known by them.
      keepNames: true,
      charset: 'ascii',
      comments: { legal: true, annotation: false, jsdoc: false },
      sourcemap: true,
      // The sources are on disk beside the compiled files; the maps only point at them.
      sourcemapExcludeSources: true,
      entryFileNames: '[name].cjs',
      chunkFileNames: chunkName,
    });
    return output.filter((item) => item.type === 'chunk');
  } finally {
    await bundle.close();
  }
}

/** The newest modification time of the compiled files the bundle is made from (milliseconds). */
function newestCompiledFile() {
  let newest = 0;
  const visit = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) visit(path);
      else if (entry.name.endsWith('.js')) newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  for (const name of readdirSync(PACKAGES)) {
    const compiled = join(PACKAGES, name, 'dist', 'src');
    if (existsSync(compiled)) visit(compiled);
  }
  return newest;
}

function bundleIsStale() {
  return !existsSync(BUNDLE_ENTRY) || statSync(BUNDLE_ENTRY).mtimeMs < newestCompiledFile();
}

if (process.argv.includes('--if-stale') && !bundleIsStale()) process.exit(0);
const started = performance.now();
const chunks = await bundleCli();
const bytes = chunks.reduce((sum, chunk) => sum + chunk.code.length, 0);
process.stdout.write(
  `bundled the tollgate command into ${chunks.length} chunks (${Math.round(bytes / 1024)} KiB) in ` +
    `${relative(ROOT, BUNDLE_DIR)}/ in ${Math.round(performance.now() - started)} ms\n`,
);
