import assert from 'node:assert/strict';
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { BIN, cleanEnv, ok, tempDir } from './run.js';

/** Starts `tollgate start` on a free port and resolves with its URL once it says it is listening. */
async function startServer(
  data: string,
): Promise<{ child: ChildProcessWithoutNullStreams; url: string; output: () => string }> {
  const child = spawn(process.execPath, [BIN, 'start', '--port', '0', '--data', data, '--log-level', 'warn'], {
    cwd: data,
    env: cleanEnv(),
  });
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      output += chunk.toString();
      const match = /Tollgate listening on (\S+)/.exec(stdout);
      if (match) resolve(match[1] as string);
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${output}`)));
  });
  return { child, url, output: () => output };
}

describe('tollgate start', () => {
  const data = tempDir();
  let server: Awaited<ReturnType<typeof startServer>>;

  before(async () => {
    server = await startServer(data);
  });

  after(() => {
    if (server.child.exitCode === null) server.child.kill('SIGKILL');
  });

  it('serves the discovery documents with the derived issuer', async () => {
    const metadata = (await (await fetch(`${server.url}/.well-known/oauth-authorization-server`)).json()) as {
      issuer: string;
    };
    assert.equal(metadata.issuer, server.url);
    const jwks = await fetch(`${server.url}/.well-known/jwks.json`);
    assert.equal(jwks.status, 200);
    assert.equal(jwks.headers.get('cache-control'), 'public, max-age=60');
  });

  it('lets the CLI change the data while it runs, and picks up a rotated key', async () => {
    await ok(['apis', 'add', 'https://api.example.com', '--scopes', 'read', '--data', data]);
    const { kid } = JSON.parse(await ok(['keys', 'rotate', '--json', '--data', data])) as { kid: string };
    let kids: string[] = [];
    for (let attempt = 0; attempt < 50 && !kids.includes(kid); attempt++) {
      const jwks = (await (await fetch(`${server.url}/.well-known/jwks.json`)).json()) as {
        keys: Array<{ kid: string }>;
      };
      kids = jwks.keys.map((key) => key.kid);
      if (!kids.includes(kid)) await delay(100);
    }
    assert.ok(kids.includes(kid), 'the rotated key is published within five seconds');
    assert.equal(kids.length, 2, 'the previous key stays published');
  });

  it('shuts down cleanly on SIGTERM', async () => {
    server.child.kill('SIGTERM');
    const [code] = await once(server.child, 'exit');
    assert.equal(code, 0, server.output());
  });
});
