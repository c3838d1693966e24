/**
 * `tollgate gateway --config gateway.yaml` as a user runs it. Needs the CLI built (`npm run build` does it);
 * skipped, saying so, when only this package was compiled.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BIN, SKIP, cleanEnv, isRunning, startGatewayCommand, waitFor } from './support/command.js';
import { send } from './support/http.js';
import { API, startIssuer, type TestIssuer } from './support/issuer.js';
import { startUpstream, type TestUpstream } from './support/upstream.js';

describe('tollgate gateway', { skip: SKIP }, () => {
  let issuer: TestIssuer;
  let upstream: TestUpstream;
  let folder: string;

  before(async () => {
    issuer = await startIssuer();
    upstream = await startUpstream();
    folder = mkdtempSync(join(tmpdir(), 'tollgate-gateway-cli-'));
  });

  after(async () => {
    await Promise.all([issuer.close(), upstream.close()]);
    rmSync(folder, { recursive: true, force: true });
  });

  it('says where it listens, proxies, and exits 0 on SIGTERM', async () => {
    const yaml = `issuer: ${issuer.url}\naudience: ${API}\nlisten:\n  port: 0\nlogLevel: warn\nroutes:\n  - path: /data\n    upstream: ${upstream.url}\n`;
    writeFileSync(join(folder, 'gateway.yaml'), yaml);
    const child = spawn(process.execPath, [BIN, 'gateway', '--config', 'gateway.yaml'], {
      cwd: folder,
      env: cleanEnv(),
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const url = await new Promise<string>((resolve, reject) => {
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const match = /^Tollgate gateway listening on (\S+)$/m.exec(stdout);
        if (match?.[1]) resolve(match[1]);
      });
      void exited.then((code) => reject(new Error(`exited with ${code}`)));
    });
    const token = await issuer.token();
    const reply = await send(url, '/data/x', { headers: { authorization: `Bearer ${token}` } });
    assert.equal(reply.status, 200);
    assert.equal(reply.json<{ headers: Record<string, string> }>().headers['x-tollgate-subject'], 'user-42');
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  });

  it('writes access-log lines while it runs, and those still buffered when SIGTERM stops it', async (context) => {
    const yaml = `issuer: ${issuer.url}\naudience: ${API}\nlisten:\n  port: 0\nlogLevel: info\nroutes:\n  - path: /data\n    upstream: ${upstream.url}\n`;
    writeFileSync(join(folder, 'logging.yaml'), yaml);
    const { child, exited, url, stdout } = await startGatewayCommand(context, folder, ['--config', 'logging.yaml']);
    const authorization = `Bearer ${await issuer.token()}`;
    assert.equal((await send(url, '/data/while-running', { headers: { authorization } })).status, 200);
    // Lines are written in blocks, but a lone line still goes out within the flush interval (1 s).
    await waitFor(() => stdout().includes('"path":"/data/while-running"'), 'the access-log line of a running gateway');
    assert.equal(child.exitCode, null);

    assert.equal((await send(url, '/data/at-exit', { headers: { authorization } })).status, 200);
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
    assert.ok(stdout().includes('"path":"/data/at-exit"'), `the last line was lost on exit:\n${stdout()}`);
  });

  it('with --workers 2 and no Redis, admits exactly the rate limit across both workers; SIGTERM stops them all', async (context) => {
    const yaml = [
      `issuer: ${issuer.url}`,
      `audience: ${API}`,
      'listen:\n  port: 0',
      'logLevel: info',
      'routes:',
      '  - path: /data',
      `    upstream: ${upstream.url}`,
      '    rateLimit:\n      perToken: { requests: 6, windowSeconds: 3600 }',
      '',
    ].join('\n');
    writeFileSync(join(folder, 'workers.yaml'), yaml);
    const { child, exited, url, stdout } = await startGatewayCommand(context, folder, [
      '--config',
      'workers.yaml',
      '--workers',
      '2',
    ]);
    const authorization = `Bearer ${await issuer.token()}`;
    const statuses: number[] = [];
    // One connection per request: the primary hands connections to the workers in turn.
    for (let sent = 0; sent < 20; sent++)
      statuses.push((await send(url, '/data', { headers: { authorization } })).status);
    assert.deepEqual(statuses, [...Array(6).fill(200), ...Array(14).fill(429)]);

    child.kill('SIGTERM');
    assert.equal(await exited, 0);
    const served = stdout()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { msg?: string; pid?: number; status?: number })
      .filter((line) => line.msg === 'request');
    assert.equal(served.length, 20, stdout());
    const workers = new Set(served.map((line) => line.pid));
    assert.equal(workers.size, 2, 'both workers served requests');
    assert.ok(!workers.has(child.pid), 'the primary serves no request');
    for (const pid of workers) {
      await waitFor(() => !isRunning(pid as number), `worker ${pid} to stop`);
    }
  });

  it('exits 2 with file, line and field for a bad config', async () => {
    writeFileSync(
      join(folder, 'bad.yaml'),
      `issuer: ${issuer.url}\naudience: ${API}\nroutes:\n  - path: /data\n    upstream: nope\n`,
    );
    const child = spawn(process.execPath, [BIN, 'gateway', '--config', 'bad.yaml'], { cwd: folder, env: cleanEnv() });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    assert.equal(code, 2);
    assert.equal(
      stderr,
      'tollgate: invalid gateway configuration: bad.yaml:5: routes[0].upstream: must be an http(s) URL\n',
    );
  });

  it('exits 2 when --config is missing', async () => {
    const child = spawn(process.execPath, [BIN, 'gateway'], { cwd: folder, env: cleanEnv() });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    assert.equal(await new Promise((resolve) => child.once('exit', resolve)), 2);
    assert.match(stderr, /^tollgate: gateway needs --config <file>/);
  });
});
