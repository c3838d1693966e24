/**
 * The bundle loader's code cache never changes what the command does: a fixture bundle (an entry and a chunk it
 * loads on demand, as the command's chunks are) runs in fresh processes with no cache, with a cache, with a stale,
 * corrupt or foreign one, with a cache directory it cannot write, and several at once.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { bundleFixture } from './bundle-fixture.js';
import { type Result, runNode, tempDir } from './run.js';

const LOADER = fileURLToPath(new URL('../src/bundle-loader.js', import.meta.url));

const SOURCES: Record<string, string> = {
  'entry.ts': `export const greeting = 'hello';
export async function answer(): Promise<string> {
  const { compute } = await import('./later.js');
  return greeting + ' ' + String(compute(6, 7));
}
`,
  'later.ts': 'export function compute(a: number, b: number): number {\n  return a * b;\n}\n',
};

/** Runs the fixture's `answer()` through the loader in a fresh process, with the cache in `cacheDirectory`. */
function runFixture(bundle: string, cacheDirectory: string): Promise<Result> {
  const program = [
    `const { runBundle } = await import(${JSON.stringify(LOADER)});`,
    `const { answer } = runBundle(${JSON.stringify(bundle)}, 'entry.cjs', { cacheDirectory: ${JSON.stringify(cacheDirectory)} });`,
    'process.stdout.write(await answer());',
  ].join('\n');
  return runNode(['--input-type=module', '-e', program]);
}

/** Runs the fixture and checks it answered as it always does, silently. */
async function runsAsWritten(bundle: string, cacheDirectory: string, expected = 'hello 42'): Promise<void> {
  const result = await runFixture(bundle, cacheDirectory);
  assert.deepEqual(result, { status: 0, stdout: expected, stderr: '' });
}

/** The cache files, by name, with their inode: a file V8 accepted is left alone, a rejected one is written anew. */
function cacheFiles(cacheDirectory: string): Map<string, number> {
  return new Map(readdirSync(cacheDirectory).map((name) => [name, statSync(join(cacheDirectory, name)).ino]));
}

describe('the bundle loader', () => {
  it('writes a cache for each chunk it loaded, then compiles from it and leaves it be', async () => {
    const bundle = await bundleFixture(SOURCES);
    const cache = join(tempDir(), 'code-cache');
    await runsAsWritten(bundle, cache);
    const written = cacheFiles(cache);
    const chunks = readdirSync(bundle).filter((name) => name.endsWith('.cjs'));
    assert.deepEqual(
      [...written.keys()].map((name) => name.slice(0, name.indexOf('.cjs.') + 4)).sort(),
      chunks.sort(),
      'one cache per chunk',
    );
    await runsAsWritten(bundle, cache);
    assert.deepEqual(cacheFiles(cache), written);
  });

  it('rejects a corrupt or foreign cache, runs the same, and writes the cache again', async () => {
    const bundle = await bundleFixture(SOURCES);
    const cache = join(tempDir(), 'code-cache');
    await runsAsWritten(bundle, cache);
    const [first, second] = [...cacheFiles(cache).keys()] as [string, string];
    // Another chunk's valid cache (V8 tells them apart by the sources' lengths), and bytes that are no cache at all.
    writeFileSync(join(cache, second), readFileSync(join(cache, first)));
    writeFileSync(join(cache, first), 'not a V8 code cache');
    await runsAsWritten(bundle, cache);
    const rewritten = cacheFiles(cache);
    assert.notEqual(readFileSync(join(cache, first), 'utf8'), 'not a V8 code cache');
    await runsAsWritten(bundle, cache);
    assert.deepEqual(cacheFiles(cache), rewritten, 'the new caches are accepted');
  });

  it('never runs a changed chunk from the old cache, even one of the same length', async () => {
    const bundle = await bundleFixture(SOURCES);
    const cache = join(tempDir(), 'code-cache');
    await runsAsWritten(bundle, cache);
    const entry = join(bundle, 'entry.cjs');
    const text = readFileSync(entry, 'utf8');
    assert.ok(text.includes('hello'));
    // V8 checks only the length of the source against the cache; the same length must not fool the loader.
    writeFileSync(entry, text.replaceAll('hello', 'howdy'));
    await runsAsWritten(bundle, cache, 'howdy 42');
  });

  it('runs silently when the cache directory cannot be written', async () => {
    const bundle = await bundleFixture(SOURCES);
    const notADirectory = join(tempDir(), 'file');
    writeFileSync(notADirectory, '');
    await runsAsWritten(bundle, join(notADirectory, 'code-cache'));
    await runsAsWritten(bundle, join(notADirectory, 'code-cache'));
  });

  it('lets processes started together share the cache directory', async () => {
    const bundle = await bundleFixture(SOURCES);
    const cache = join(tempDir(), 'code-cache');
    await Promise.all(Array.from({ length: 6 }, () => runsAsWritten(bundle, cache)));
    const written = cacheFiles(cache);
    assert.deepEqual(
      [...written.keys()].filter((name) => !name.endsWith('.cache')),
      [],
      'no temporary file is left',
    );
    await runsAsWritten(bundle, cache);
    assert.deepEqual(cacheFiles(cache), written, 'what they wrote is accepted');
  });
});
