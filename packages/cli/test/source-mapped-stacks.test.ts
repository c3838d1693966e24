/**
 * Stack traces through the bundle name the TypeScript sources exactly as Node's own source maps would: a small
 * TypeScript program is bundled with rolldown, as scripts/bundle-cli.mjs bundles the command, and the same error's
 * stack is printed once with `--enable-source-maps` (Node reads every map at load) and once with
 * mapStackTracesUnder (the map is read when the stack is formatted). They must be the same text.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { rolldown } from 'rolldown';
import { tempDir } from './run.js';

const HOOK = new URL('../src/source-mapped-stacks.js', import.meta.url).href;

const SOURCES: Record<string, string> = {
  'detonator.ts': [
    'export class Detonator {',
    '  constructor(readonly reason: string) {',
    "    if (reason === '') throw new TypeError('no reason');",
    '  }',
    '  fire(): never {',
    "    throw new Error('boom: ' + this.reason);",
    '  }',
    '}',
    '',
  ].join('\n'),
  'entry.ts': [
    "import { Detonator } from './detonator.js';",
    '',
    'export async function fireLater(reason: string): Promise<never> {',
    '  await Promise.resolve();',
    '  return new Detonator(reason).fire();',
    '}',
    '',
    'export function build(reason: string): Detonator {',
    '  return new Detonator(reason);',
    '}',
    '',
  ].join('\n'),
};

/** Bundles SOURCES into `<dir>/bundle/` with source maps; returns the bundle directory's URL. */
async function bundleFixture(): Promise<URL> {
  const dir = tempDir();
  mkdirSync(join(dir, 'src'));
  for (const [name, text] of Object.entries(SOURCES)) writeFileSync(join(dir, 'src', name), text);
  const bundle = await rolldown({ cwd: dir, input: { entry: join(dir, 'src', 'entry.ts') }, platform: 'node' });
  try {
    await bundle.write({ dir: join(dir, 'bundle'), format: 'esm', keepNames: true, sourcemap: true });
  } finally {
    await bundle.close();
  }
  return pathToFileURL(join(dir, 'bundle', '/'));
}

/** The stacks of the fixture's two errors (an async one and a constructor's), printed by a fresh process. */
function printedStacks(bundleDirectory: URL, mode: 'node' | 'on-demand'): string {
  const entry = new URL('entry.js', bundleDirectory).href;
  const program = [
    mode === 'on-demand'
      ? `const { mapStackTracesUnder } = await import(${JSON.stringify(HOOK)}); mapStackTracesUnder(new URL(${JSON.stringify(bundleDirectory.href)}));`
      : '',
    `const { fireLater, build } = await import(${JSON.stringify(entry)});`,
    "await fireLater('fired').catch((error) => console.log(error.stack));",
    "try { build(''); } catch (error) { console.log(error.stack); }",
  ].join('\n');
  const result = spawnSync(
    process.execPath,
    [...(mode === 'node' ? ['--enable-source-maps'] : []), '--input-type=module', '-e', program],
    { encoding: 'utf8' },
  );
  assert.equal(result.status, 0, result.stderr);
  return result.stdout;
}

describe('stack traces through the bundle', () => {
  it('name the TypeScript sources and lines, as Node does with source maps on', async () => {
    const bundleDirectory = await bundleFixture();
    const expected = printedStacks(bundleDirectory, 'node');
    const detonator = new URL('../src/detonator.ts', bundleDirectory);
    assert.match(expected, new RegExp(`Detonator\\.fire \\(${escapeRegExp(detonator.pathname)}:6:11\\)`));
    assert.match(expected, new RegExp(`new Detonator \\(${escapeRegExp(detonator.pathname)}:3:`));
    assert.equal(printedStacks(bundleDirectory, 'on-demand'), expected);
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
