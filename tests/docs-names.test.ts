/**
 * The docs and the code name the same settings: every TOLLGATE_* variable and `tollgate` flag the docs mention
 * exists in the code, and every variable the server or gateway reads and every flag the CLI defines is documented
 * somewhere a user would look (README.md, docs/, the packages' READMEs, examples/README.md).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { REPO_ROOT } from './support/paths.js';

function filesUnder(dir: string, suffixes: readonly string[]): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory())
      return entry.name === 'node_modules' || entry.name === 'dist' ? [] : filesUnder(path, suffixes);
    return suffixes.some((suffix) => entry.name.endsWith(suffix)) ? [path] : [];
  });
}

const read = (files: readonly string[]): string => files.map((file) => readFileSync(file, 'utf8')).join('\n');
const packages = readdirSync(join(REPO_ROOT, 'packages'));

const docs = read([
  join(REPO_ROOT, 'README.md'),
  join(REPO_ROOT, 'examples', 'README.md'),
  ...filesUnder(join(REPO_ROOT, 'docs'), ['.md']),
  ...packages.map((name) => join(REPO_ROOT, 'packages', name, 'README.md')).filter((file) => existsSync(file)),
]);
const sources = read([
  ...packages.flatMap((name) => filesUnder(join(REPO_ROOT, 'packages', name, 'src'), ['.ts', '.tsx'])),
  ...filesUnder(join(REPO_ROOT, 'examples'), ['.mjs', '.js', '.ts']),
  ...filesUnder(join(REPO_ROOT, 'scripts'), ['.mjs']),
]);
const cliSources = read(filesUnder(join(REPO_ROOT, 'packages', 'cli', 'src'), ['.ts']));

const unique = (values: Iterable<string>): string[] => [...new Set(values)].sort();
const variablesIn = (text: string): string[] => unique(text.match(/\bTOLLGATE_[A-Z0-9_]*[A-Z0-9]\b/g) ?? []);

/** The variables the server and the gateway read: the server's environment map, and the gateway's secret. */
function variablesRead(): string[] {
  const serverMap = readFileSync(join(REPO_ROOT, 'packages', 'server', 'src', 'config-load.ts'), 'utf8');
  const gateway = readFileSync(join(REPO_ROOT, 'packages', 'gateway', 'src', 'config-load.ts'), 'utf8');
  return unique([
    ...(serverMap.match(/^\s*(TOLLGATE_[A-Z0-9_]+):/gm) ?? []).map((line) => line.trim().slice(0, -1)),
    ...variablesIn(gateway),
  ]);
}

/**
 * Flags the CLI defines: every quoted `--name` in its sources (options, with or without a short form like
 * `'-V, --version'`, and the flags its messages cite), and the `--help` commander gives every command.
 */
const cliFlags = unique([...(cliSources.match(/(?<=['"`](?:-[A-Za-z], )?)--[a-z][a-z-]+/g) ?? []), '--help']);

/** Flags the docs give a `tollgate` command, on the same line. */
function documentedCommandFlags(): string[] {
  const lines = docs.split('\n').filter((line) => /\btollgate [a-z]/.test(line));
  return unique(lines.flatMap((line) => line.match(/(?<=\s|`|\[|\()--[a-z][a-z-]+/g) ?? []));
}

describe('names shared by the docs and the code', () => {
  it('documents only TOLLGATE_* variables the code knows', () => {
    const known = new Set(variablesIn(sources));
    assert.deepEqual(
      variablesIn(docs).filter((name) => !known.has(name)),
      [],
    );
  });

  it('documents every variable the server and the gateway read', () => {
    assert.ok(variablesRead().length > 20, 'found the server environment map');
    const documented = new Set(variablesIn(docs));
    assert.deepEqual(
      variablesRead().filter((name) => !documented.has(name)),
      [],
    );
  });

  it('gives tollgate commands only flags the CLI defines', () => {
    const known = new Set(cliFlags);
    assert.deepEqual(
      documentedCommandFlags().filter((flag) => !known.has(flag)),
      [],
    );
  });

  it('documents every flag the CLI defines', () => {
    assert.ok(cliFlags.length > 20, 'found the CLI flags');
    assert.deepEqual(
      cliFlags.filter((flag) => !new RegExp(`(?<![a-z-])${flag}(?![a-z-])`).test(docs)),
      [],
    );
  });
});
