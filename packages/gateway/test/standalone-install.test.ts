/**
 * The SDK and the gateway install on their own, as a user's npm would install them from the registry: packed
 * with `npm pack` and installed into an empty project. Nothing of the server comes along: no native module to
 * compile (better-sqlite3, argon2) and no @tollgate/core or @tollgate/server.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const PACKAGES_DIR = fileURLToPath(new URL('../../../', import.meta.url));
const NPM_TIMEOUT_MS = 180_000;
/** The server's half: none of these may reach a gateway-only or SDK-only install. */
const SERVER_ONLY = ['better-sqlite3', '@node-rs', 'argon2', 'kysely', 'pg', 'fastify'];

async function npm(args: readonly string[], cwd: string): Promise<string> {
  const { stdout } = await run('npm', [...args, '--no-audit', '--no-fund'], { cwd, timeout: NPM_TIMEOUT_MS });
  return stdout;
}

async function installInto(dir: string, tarballs: readonly string[]): Promise<void> {
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  // The registry is reached only for what the npm cache lacks (a fresh CI clone has it all from `npm ci`).
  await npm(['install', '--prefer-offline', ...tarballs], dir);
}

function installed(dir: string): string[] {
  const modules = join(dir, 'node_modules');
  return readdirSync(modules).flatMap((name) =>
    name.startsWith('@')
      ? readdirSync(join(modules, name))
          .map((inner) => `${name}/${inner}`)
          .concat(name)
      : [name],
  );
}

describe('installing the SDK or the gateway alone', () => {
  let work: string;
  const tarball: Record<string, string> = {};

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'tollgate-install-'));
    for (const name of ['jwt', 'verify', 'window-counter', 'redis', 'transport', 'config', 'gateway']) {
      const out = await npm(['pack', '--ignore-scripts', '--pack-destination', work], join(PACKAGES_DIR, name));
      tarball[name] = join(work, out.trim().split('\n').at(-1) ?? '');
      assert.ok(existsSync(tarball[name] ?? ''), `npm pack of ${name} made no tarball: ${out}`);
    }
  });
  after(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  for (const [what, names, entry] of [
    ['the verify SDK', ['jwt', 'window-counter', 'verify'], '@tollgate/verify'],
    [
      'the gateway',
      ['jwt', 'verify', 'window-counter', 'redis', 'transport', 'config', 'gateway'],
      '@tollgate/gateway',
    ],
  ] as const) {
    it(`installs ${what} without the server's packages or a native build`, async () => {
      const app = mkdtempSync(join(work, 'app-'));
      await installInto(
        app,
        names.map((name) => tarball[name] as string),
      );
      const present = installed(app);
      for (const forbidden of SERVER_ONLY) {
        assert.ok(!present.includes(forbidden), `${forbidden} came with ${what}: ${present.join(' ')}`);
      }
      assert.ok(!present.some((name) => name === '@tollgate/core' || name === '@tollgate/server'), present.join(' '));
      const { stdout } = await run(
        process.execPath,
        ['--input-type=module', '-e', `const m = await import('${entry}'); console.log(Object.keys(m).length);`],
        { cwd: app, timeout: 30_000 },
      );
      assert.ok(Number(stdout.trim()) > 0, `${entry} loads and exports something`);
    });
  }
});
