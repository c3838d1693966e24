/**
 * A server whose stdout is a pipe nobody reads (`tollgate start | slow-consumer`, a stalled log shipper) keeps
 * answering: its log waits in a bounded backlog, drops and counts what does not fit, and once the reader reads, the
 * kept lines come out in order followed by one warning with the exact count. Run in a child process whose stdout is
 * a FIFO this test opens but does not read until it chooses to.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, rmSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { generateEncryptionSecret } from '@tollgate/core';

const module = (path: string) => JSON.stringify(new URL(path, import.meta.url).href);

/** A server on port 0 logging at info to stdout; it answers `state` with its log's state and the metric's value. */
const CHILD = `
const { loadConfig } = await import(${module('../src/config-load.js')});
const { startServer } = await import(${module('../src/start.js')});
const { stdoutLogState } = await import(${module('../src/log-destination.js')});
const { ServerMetrics } = await import(${module('../src/metrics/server-metrics.js')});
const metrics = new ServerMetrics();
await startServer(loadConfig({ env: process.env, flags: { port: '0' } }), {
  handleSignals: false,
  announce: (line) => process.send({ url: line.split(' ').at(-1) }),
});
process.on('message', async (message) => {
  if (message === 'exit') process.exit(0);
  const { body } = await metrics.scrape();
  const metric = Number(/^tollgate_log_lines_dropped_total (\\d+)$/m.exec(body)?.[1]);
  process.send({ state: { ...stdoutLogState(), metric } });
});`;

interface LogState {
  droppedLines: number;
  pendingBytes: number;
  metric: number;
}

/** The same bound as @tollgate/log-stream's default. */
const MAX_PENDING_BYTES = 1024 * 1024;
const METADATA = '/.well-known/oauth-authorization-server';

function nextMessage<T>(child: ChildProcess, key: string): Promise<T> {
  return new Promise((resolve) => {
    const onMessage = (message: Record<string, T>) => {
      if (!(key in message)) return;
      child.off('message', onMessage);
      resolve(message[key] as T);
    };
    child.on('message', onMessage);
  });
}

async function logState(child: ChildProcess): Promise<LogState> {
  const state = nextMessage<LogState>(child, 'state');
  child.send('state');
  return state;
}

describe('a server whose stdout is not read', () => {
  it('keeps answering, holds a bounded backlog, and reports exactly what it dropped once the reader reads', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'tollgate-slow-stdout-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const fifo = join(dir, 'stdout');
    execFileSync('mkfifo', [fifo]);
    // Non-blocking, so opening the read end needs no writer; nothing reads it until the socket below is made.
    const readFd = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    const writeFd = openSync(fifo, constants.O_WRONLY);
    const env = {
      ...process.env,
      TOLLGATE_DATA: join(dir, 'data'),
      TOLLGATE_ENCRYPTION_KEY: generateEncryptionSecret(),
      TOLLGATE_LOG_LEVEL: 'info',
    };
    const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD], {
      stdio: ['ignore', writeFd, 'inherit', 'ipc'],
      env,
    });
    closeSync(writeFd);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    t.after(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    const url = await nextMessage<string>(child, 'url');

    // Sequential requests, so the order the lines were logged in is the order of the requests' ids.
    let answered = 0;
    let state = await logState(child);
    const deadline = Date.now() + 120_000;
    while (state.droppedLines < 100) {
      assert.ok(Date.now() < deadline, `only ${answered} answers, ${state.droppedLines} lines dropped`);
      const response = await fetch(`${url}${METADATA}`, { signal: AbortSignal.timeout(30_000) });
      assert.equal(response.status, 200);
      await response.arrayBuffer();
      answered++;
      if (answered % 250 === 0) state = await logState(child);
    }
    state = await logState(child);
    assert.ok(state.pendingBytes <= MAX_PENDING_BYTES, `${state.pendingBytes} bytes waiting`);
    assert.equal(state.metric, state.droppedLines);

    let output = '';
    const reader = new Socket({ fd: readFd, readable: true, writable: false });
    reader.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    const drainedBy = Date.now() + 60_000;
    while (!output.includes('"droppedLines"')) {
      assert.ok(Date.now() < drainedBy, 'no warning line after the reader read');
      await sleep(20);
    }
    child.send('exit');
    await exited;
    reader.destroy();

    const lines = output
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { msg: string; path?: string; reqId?: string; droppedLines?: number });
    const warning = lines.at(-1);
    assert.equal(warning?.msg, 'log lines dropped: stdout did not keep up');
    assert.equal(warning?.droppedLines, state.droppedLines);
    const requestLines = lines.filter((line) => line.msg === 'request completed');
    assert.ok(requestLines.every((line) => line.path === METADATA));
    // Dropped and written lines account for every request; the written ones are the first requests, in order.
    assert.equal(requestLines.length + state.droppedLines, answered);
    assert.deepEqual(
      requestLines.map((line) => Number.parseInt((line.reqId ?? '').replace('req-', ''), 36)),
      Array.from({ length: requestLines.length }, (_, index) => index + 1),
    );
  });
});
