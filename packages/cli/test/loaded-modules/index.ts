/**
 * Which modules a `tollgate` command loads: the guard that keeps each command from loading stacks it does not
 * use (a quick command that slowly grows an import of the HTTP server would otherwise only show in timings).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../run.js';

/** The node arguments that record loaded modules into the returned file. */
export function recordingModules(): { nodeArguments: string[]; env: Record<string, string>; log: string } {
  const log = join(tempDir(), 'modules.log');
  const preload = fileURLToPath(new URL('./preload.js', import.meta.url));
  return { nodeArguments: ['--import', preload], env: { TOLLGATE_TEST_MODULE_LOG: log }, log };
}

/** The packages among the recorded module URLs: `fastify`, `@tollgate/core`, ... (workspace packages by folder). */
export function loadedPackages(log: string): Set<string> {
  const packages = new Set<string>();
  for (const url of readFileSync(log, 'utf8').split('\n')) {
    const dependency = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
    const workspace = /\/packages\/([^/]+)\/dist\//.exec(url);
    if (dependency) packages.add(dependency[1] as string);
    else if (workspace) packages.add(`@tollgate/${workspace[1]}`);
  }
  return packages;
}
