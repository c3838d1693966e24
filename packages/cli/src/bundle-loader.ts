/**
 * Runs the command's bundle (CommonJS chunks, scripts/bundle-cli.mjs) with a V8 code cache, so that a chunk loaded
 * again is not parsed and compiled again.
 *
 * Why: compiling the chunks was the largest single cost of `tollgate apis list` (~45 ms of ~220 ms CPU in
 * `node --cpu-prof`, plus the lazy compilation of each function on its first call). Node 20 has no code cache for
 * ES modules (module.enableCompileCache is Node 22.1+), but vm.Script takes V8's cached data.
 *
 * How: each chunk is compiled as vm.Script wrapped the way Node wraps a CommonJS module, from the cache file in
 * `<bundle>/code-cache/` when there is one; its `require` loads the bundle's other chunks the same way and
 * everything else (node: builtins, native addons, packages left outside the bundle) through Node's own require.
 * The cache of a chunk that had none, or whose cache V8 rejected (another Node or V8 version, other V8 flags, another
 * source), is written when the process exits or, for a process that keeps running (`start`), a few seconds after
 * the command began: by then V8 has compiled the functions the command called, so they come from the cache too.
 *
 * What it never does: fail the command or print anything because of the cache. A directory it cannot write (a
 * global install, a read-only container image) only means no cache. Files are written under a temporary name and
 * renamed, so concurrent processes never see half a file. A cache is found by the chunk's name, size and
 * modification time and the Node version and architecture, since V8 itself checks only the length of the source.
 *
 * A chunk whose text contains a dynamic `import(` is left to Node's own require: V8 loses the dynamic-import
 * callback of a script compiled from cached data (nodejs/node#35375), so that `import()` would fail.
 */
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';

/** How long a process that keeps running waits before writing the caches it lacks (`start` is ready well before). */
export const CACHE_WRITE_DELAY_MS = 3_000;

const CACHE_FOLDER = 'code-cache';
const CHUNK_PREFIX = './';
const DYNAMIC_IMPORT = /\bimport\s*\(/;
/** Node's CommonJS wrapper, on the chunk's first line (a "use strict" directive) so its lines keep their numbers. */
const WRAPPER_START = '(function (exports, require, module, __filename, __dirname) { ';
const WRAPPER_END = '\n})';

type ChunkFunction = (
  exports: object,
  require: NodeJS.Require,
  module: ChunkModule,
  filename: string,
  dirname: string,
) => void;

interface ChunkModule {
  exports: object;
  id: string;
  filename: string;
  loaded: boolean;
}

/** A chunk compiled without an accepted cache, whose cache is written later. */
interface PendingCache {
  script: Script;
  file: string;
}

export interface BundleLoaderOptions {
  /** Where the caches are (default `<bundle>/code-cache`). */
  cacheDirectory?: string;
  /** Schedules the cache writing of a process still running; returns nothing (default: an unref'd timer). */
  scheduleWrite?: (write: () => void) => void;
}

/**
 * Loads `entry` (a file name in `directory`) and the chunks it requires, and returns its exports. The caches the
 * loaded chunks lack are written once, at exit or after CACHE_WRITE_DELAY_MS, whichever comes first.
 */
export function runBundle(directory: string, entry: string, options: BundleLoaderOptions = {}): unknown {
  const loader = new BundleLoader(directory, options.cacheDirectory ?? join(directory, CACHE_FOLDER));
  const write = once(() => loader.writePendingCaches());
  process.once('exit', write);
  (options.scheduleWrite ?? ((run) => setTimeout(run, CACHE_WRITE_DELAY_MS).unref()))(write);
  return loader.load(join(directory, entry));
}

class BundleLoader {
  readonly #directory: string;
  readonly #cacheDirectory: string;
  readonly #loaded = new Map<string, ChunkModule>();
  readonly #pending: PendingCache[] = [];

  constructor(directory: string, cacheDirectory: string) {
    this.#directory = directory;
    this.#cacheDirectory = cacheDirectory;
  }

  load(file: string): unknown {
    const nodeRequire = createRequire(file);
    // Loaded already, by this loader or by Node (the bin requires the loader itself, and its helpers' chunk).
    const loaded = this.#loaded.get(file) ?? nodeRequire.cache[file];
    if (loaded !== undefined) return loaded.exports;
    const source = readFileSync(file, 'utf8');
    if (DYNAMIC_IMPORT.test(source)) return nodeRequire(file);
    const module: ChunkModule = { exports: {}, id: file, filename: file, loaded: false };
    this.#loaded.set(file, module);
    // Listed where Node lists the CommonJS modules it loaded, for the tools that look there.
    nodeRequire.cache[file] = module as NodeJS.Module;
    const chunkFunction = this.#compile(file, source);
    chunkFunction.call(module.exports, module.exports, this.#requireFor(nodeRequire), module, file, dirname(file));
    module.loaded = true;
    return module.exports;
  }

  /** Writes the caches of the chunks compiled without one; any failure only leaves that cache unwritten. */
  writePendingCaches(): void {
    const pending = this.#pending.splice(0);
    if (pending.length === 0) return;
    try {
      mkdirSync(this.#cacheDirectory, { recursive: true });
    } catch {
      return;
    }
    for (const { script, file } of pending) writeAtomically(file, () => script.createCachedData());
  }

  #compile(file: string, source: string): ChunkFunction {
    const cacheFile = join(this.#cacheDirectory, cacheFileName(file));
    const cachedData = readIfPresent(cacheFile);
    const script = new Script(`${WRAPPER_START}${source}${WRAPPER_END}`, { filename: file, cachedData });
    if (cachedData === undefined || script.cachedDataRejected === true) this.#pending.push({ script, file: cacheFile });
    return script.runInThisContext() as ChunkFunction;
  }

  /** The chunk's `require`: the bundle's chunks through this loader, anything else through Node's. */
  #requireFor(nodeRequire: NodeJS.Require): NodeJS.Require {
    const chunkRequire = (id: string): unknown =>
      id.startsWith(CHUNK_PREFIX) ? this.load(join(this.#directory, id)) : nodeRequire(id);
    return Object.assign(chunkRequire, {
      resolve: nodeRequire.resolve,
      cache: nodeRequire.cache,
      main: nodeRequire.main,
      extensions: nodeRequire.extensions,
    });
  }
}

/** `<chunk>.<size>-<mtime>.<node version>-<arch>.cache`: a rebuilt chunk or another Node finds no stale cache. */
function cacheFileName(file: string): string {
  const { size, mtimeMs } = statSync(file);
  return `${basename(file)}.${size}-${Math.trunc(mtimeMs)}.${process.version}-${process.arch}.cache`;
}

function readIfPresent(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Writes `file` under a temporary name first, then renames it; the data is made only once the file is open. */
function writeAtomically(file: string, data: () => Buffer): void {
  const temporary = `${file}.${process.pid}.tmp`;
  let descriptor: number | undefined;
  try {
    descriptor = openSync(temporary, 'wx');
    const bytes = data();
    writeSync(descriptor, bytes, 0, bytes.length);
    closeSync(descriptor);
    descriptor = undefined;
    renameSync(temporary, file);
  } catch {
    try {
      if (descriptor !== undefined) closeSync(descriptor);
      unlinkSync(temporary);
    } catch {
      // Never created, or already gone.
    }
  }
}

function once(run: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    run();
  };
}
