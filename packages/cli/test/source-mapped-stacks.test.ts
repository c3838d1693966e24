/**
 * Stack traces through the bundle name the TypeScript sources exactly as Node's own source maps would: a small
 * TypeScript program is bundled with rolldown, as scripts/bundle-cli.mjs bundles the command (CommonJS chunks), and
 * the same error's stack is printed once by Node's own require with `--enable-source-maps` (Node reads every map at
 * load) and then as the command runs: through the bundle loader, its code cache, and mapStackTracesUnder (the map
 * is read when the stack is formatted), first without a cache and then from it. They must be the same text.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { bundleFixture } from './bundle-fixture.js';

const HOOK = fileURLToPath(new URL('../src/source-mapped-stacks.js', import.meta.url));
const LOADER = fileURLToPath(new URL('../src/bundle-loader.js', import.meta.url));

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

/** The stacks of the fixture's two errors (an async one and a constructor's), printed by a fresh process. */
function printedStacks(bundleDirectory: string, mode: 'node' | 'on-demand'): string {
  const load =
    mode === 'node'
      ? `createRequire(import.meta.url)(${JSON.stringify(join(bundleDirectory, 'entry.cjs'))})`
      : `(await import(${JSON.stringify(LOADER)})).runBundle(${JSON.stringify(bundleDirectory)}, 'entry.cjs')`;
  const program = [
    "import { createRequire } from 'node:module';",
    mode === 'on-demand'
      ? `(await import(${JSON.stringify(HOOK)})).mapStackTracesUnder(${JSON.stringify(bundleDirectory)});`
      : '',
    `const { fireLater, build } = ${load};`,
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
    const bundleDirectory = await bundleFixture(SOURCES);
    const expected = printedStacks(bundleDirectory, 'node');
    const detonator = join(bundleDirectory, '..', 'src', 'detonator.ts');
    assert.match(expected, new RegExp(`Detonator\\.fire \\(${escapeRegExp(detonator)}:6:11\\)`));
    assert.match(expected, new RegExp(`new Detonator \\(${escapeRegExp(detonator)}:3:`));
    assert.equal(printedStacks(bundleDirectory, 'on-demand'), expected, 'compiled without a code cache');
    assert.ok(existsSync(join(bundleDirectory, 'code-cache')), 'the code cache is written');
    assert.equal(printedStacks(bundleDirectory, 'on-demand'), expected, 'compiled from the code cache');
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
