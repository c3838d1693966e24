/**
 * The blocks the docs mark `<!-- runnable ... -->` work as printed. Each is run by bash (-e, -u, pipefail) in a
 * fresh folder where `tollgate start` runs, as a newcomer would in a second terminal: `npx tollgate` is the
 * repository's CLI, and the documented port 8080 is the one this server got.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { REPO_ROOT, TOLLGATE_BIN } from './support/paths.js';
import { freePort } from './support/ports.js';
import { runProcess } from './support/process.js';
import { childEnvironment } from './support/store-under-test.js';

const MARKER = /<!-- runnable[^>]*-->\s*```(?:sh|bash)\n([\s\S]*?)```/g;
const DOCUMENTED_ORIGIN = 'http://127.0.0.1:8080';
const READY_TIMEOUT_MS = 30_000;

function runnableBlocks(): Array<{ file: string; script: string }> {
  const files = ['README.md', ...readdirSync(join(REPO_ROOT, 'docs')).map((name) => join('docs', name))].filter(
    (file) => file.endsWith('.md'),
  );
  return files.flatMap((file) =>
    [...readFileSync(join(REPO_ROOT, file), 'utf8').matchAll(MARKER)].map((match) => ({
      file,
      script: match[1] as string,
    })),
  );
}

async function startServer(dir: string, port: number, env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const child = spawn(process.execPath, [TOLLGATE_BIN, 'start', '--port', String(port)], {
    cwd: dir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`tollgate start printed no ready line:\n${output}`)),
      READY_TIMEOUT_MS,
    );
    const onData = (chunk: string) => {
      output += chunk;
      if (output.includes('listening on')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.setEncoding('utf8').on('data', onData);
    child.stderr?.setEncoding('utf8').on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`tollgate start exited (${code}):\n${output}`));
    });
  });
  return child;
}

describe('runnable blocks in the docs', () => {
  const blocks = runnableBlocks();
  const cleanups: Array<() => void> = [];
  after(() => {
    for (const cleanup of cleanups) cleanup();
  });

  it('finds the Quick start marked runnable', () => {
    assert.ok(
      blocks.some((block) => block.file === 'README.md' && block.script.includes('tollgate apis add')),
      'README.md has no runnable Quick start block',
    );
  });

  for (const block of blocks) {
    it(`runs the block of ${block.file} starting "${block.script.split('\n')[0]}"`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'tollgate-docs-'));
      const port = await freePort();
      const env = childEnvironment({ TOLLGATE_DRAIN_DELAY: '0s' });
      const server = await startServer(dir, port, env);
      cleanups.push(() => {
        server.kill('SIGKILL');
        rmSync(dir, { recursive: true, force: true });
      });
      const prelude = `npx() { if [ "$1" = tollgate ]; then shift; node ${JSON.stringify(TOLLGATE_BIN)} "$@"; else command npx "$@"; fi; }\n`;
      const script = prelude + block.script.replaceAll(DOCUMENTED_ORIGIN, `http://127.0.0.1:${port}`);
      const result = await runProcess('bash', ['-euo', 'pipefail', '-c', script], {
        cwd: dir,
        env,
        timeoutMs: 120_000,
      });
      assert.equal(result.status, 0, `exit ${result.status}\n${result.stdout}\n${result.stderr}`);
      if (block.script.includes('# {"active":false}')) {
        // The Quick start ends by introspecting the token it revoked: it must say so.
        assert.match(result.stdout, /\{"active":true,[^}]*\}\{"active":false\}\s*$/, result.stdout);
      }
    });
  }
});
