/**
 * Which modules a `tollgate` command loads: the guard that keeps each command from loading stacks it does not
 * use (a quick command that slowly grows an import of the HTTP server would otherwise only show in timings).
 * The command runs from its bundle (scripts/bundle-cli.mjs): a chunk it loads counts as loading every source file
 * the chunk's source map names, which are the modules bundled into it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../run.js';

/** The node arguments that record loaded modules into the returned file. */
export function recordingModules(): { nodeArguments: string[]; env: Record<string, string>; log: string } {
  const log = join(tempDir(), 'modules.log');
  const preload = fileURLToPath(new URL('./preload.js', import.meta.url));
  return { nodeArguments: ['--import', preload], env: { TOLLGATE_TEST_MODULE_LOG: log }, log };
}

export interface LoadedModules {
  /** The files the process read as modules: bundle chunks, files of node_modules, compiled workspace files. */
  files: Set<string>;
  /** Every module those stand for: the bundled sources of each chunk, and the other files themselves. */
  modules: Set<string>;
  /** The packages among the modules: `fastify`, `@tollgate/core`, ... (workspace packages by folder). */
  packages: Set<string>;
}

/** The sources a bundle chunk was made from, as absolute paths, from its source map (none for another file). */
function bundledSources(file: string): string[] {
  const map = `${file}.map`;
  if (!existsSync(map)) return [];
  const { sources } = JSON.parse(readFileSync(map, 'utf8')) as { sources: string[] };
  return sources.map((source) => resolve(dirname(file), source));
}

export function packageOf(module: string): string | undefined {
  const dependency = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(module);
  if (dependency) return dependency[1];
  const workspace = /\/packages\/([^/]+)\/(?:dist\/)?src\//.exec(module);
  return workspace ? `@tollgate/${workspace[1]}` : undefined;
}

export function loadedModules(log: string): LoadedModules {
  const files = new Set(
    readFileSync(log, 'utf8')
      .split('\n')
      .filter((url) => url.startsWith('file:'))
      .map((url) => fileURLToPath(url)),
  );
  const modules = new Set<string>();
  for (const file of files) {
    const sources = bundledSources(file);
    for (const module of sources.length > 0 ? sources : [file]) modules.add(module);
  }
  const packages = new Set([...modules].map(packageOf).filter((name) => name !== undefined));
  return { files, modules, packages };
}
