/**
 * No module of any package imports, directly or through others, a module that imports it back: type-only
 * imports included, since a cycle of types is the same tangle for the reader. Types shared both ways belong in
 * a leaf module. Reads the TypeScript sources of packages/<name>/src; a cycle fails the test with its members.
 * Packages likewise: no package depends, through its package.json, on one that depends on it back.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { REPO_ROOT } from './support/paths.js';

const RELATIVE_IMPORT = /(?:^|\n)\s*(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\s+from\s+)?['"](\.{1,2}\/[^'"]+)['"]/g;

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

function importGraph(files: readonly string[]): Map<string, string[]> {
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const targets = [...readFileSync(file, 'utf8').matchAll(RELATIVE_IMPORT)]
      .map((match) => resolve(dirname(file), match[1] as string).replace(/\.js$/, '.ts'))
      .flatMap((target) => [target, target.replace(/\.ts$/, '.tsx')])
      .filter((target) => known.has(target));
    graph.set(file, targets);
  }
  return graph;
}

/** Tarjan's strongly connected components with more than one member (a file importing itself counts too). */
function cycles(graph: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) as number, low.get(next) as number));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node) as number, index.get(next) as number));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop() as string;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || (graph.get(node) ?? []).includes(node)) found.push(component);
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

/** Each package (`@tollgate/<name>`) and the workspace packages its package.json depends on. */
function packageGraph(packagesDir: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const name of readdirSync(packagesDir)) {
    const manifest = join(packagesDir, name, 'package.json');
    if (!existsSync(manifest)) continue;
    const { name: packageName, dependencies = {} } = JSON.parse(readFileSync(manifest, 'utf8')) as {
      name: string;
      dependencies?: Record<string, string>;
    };
    graph.set(
      packageName,
      Object.keys(dependencies).filter((dependency) => dependency.startsWith('@tollgate/')),
    );
  }
  return graph;
}

describe('module structure', () => {
  it('has no import cycle inside any package', () => {
    const packagesDir = join(REPO_ROOT, 'packages');
    const files = readdirSync(packagesDir).flatMap((name) => sourceFiles(join(packagesDir, name, 'src')));
    assert.ok(files.length > 100, `found only ${files.length} source files under ${packagesDir}`);
    const found = cycles(importGraph(files)).map((component) =>
      component.map((file) => relative(REPO_ROOT, file)).join(' <-> '),
    );
    assert.deepEqual(found, [], `import cycles:\n${found.join('\n')}`);
  });

  it('has no dependency cycle between packages, and neither the server nor the gateway depends on the other', () => {
    const graph = packageGraph(join(REPO_ROOT, 'packages'));
    assert.ok(graph.has('@tollgate/config') && graph.size > 10, [...graph.keys()].join(' '));
    const found = cycles(graph).map((component) => component.join(' <-> '));
    assert.deepEqual(found, [], `package dependency cycles:\n${found.join('\n')}`);
    assert.ok(!graph.get('@tollgate/gateway')?.includes('@tollgate/server'), 'the gateway depends on the server');
    assert.ok(!graph.get('@tollgate/server')?.includes('@tollgate/gateway'), 'the server depends on the gateway');
    assert.deepEqual(graph.get('@tollgate/config'), [], '@tollgate/config depends on another workspace package');
  });
});
