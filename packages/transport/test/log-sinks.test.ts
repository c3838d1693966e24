import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, readFileSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { BoundedLogStream } from '../src/log-stream.js';
import { sinkFor } from '../src/log-sinks.js';

const dir = mkdtempSync(join(tmpdir(), 'tollgate-log-sinks-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A FIFO with a reader that reads only when told, and a writer on a blocking description (as a shell gives one). */
function fifo(name: string) {
  const path = join(dir, name);
  execFileSync('mkfifo', [path]);
  const reader = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  const writer = openSync(path, constants.O_WRONLY);
  const chunk = Buffer.alloc(65536);
  const readAll = () => {
    let text = '';
    for (;;) {
      try {
        const read = readSync(reader, chunk);
        if (read === 0) return text;
        text += chunk.toString('utf8', 0, read);
      } catch {
        return text;
      }
    }
  };
  const close = () => {
    closeSync(reader);
    closeSync(writer);
  };
  return { writer, readAll, close };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let attempt = 0; attempt < 2_000; attempt++) {
    if (condition()) return;
    await delay(10);
  }
  assert.fail(`timed out waiting until ${what}`);
}

describe('a log stream on a pipe', () => {
  it('keeps the event loop turning while the reader reads nothing, and the reader then gets every line whole and in order', async () => {
    const pipe = fifo('unread');
    const lines = Array.from({ length: 2_000 }, (_, index) => `${JSON.stringify({ n: index, pad: 'x'.repeat(80) })}\n`);
    const logStream = new BoundedLogStream({
      sink: sinkFor(pipe.writer),
      droppedLine: (count) => `{"dropped":${count}}\n`,
    });
    // About 200 KiB, more than a pipe holds (64 KiB): a blocking write would never return here.
    for (const line of lines) logStream.write(line);
    logStream.flush();
    assert.ok(logStream.pendingBytes > 0, 'some lines wait in memory for the reader');
    let read = '';
    await until(() => {
      read += pipe.readAll();
      return logStream.pendingBytes === 0 && read.length === lines.join('').length;
    }, 'the reader has every line');
    assert.equal(read, lines.join(''));
    assert.equal(logStream.droppedLines, 0);
    logStream.close();
    pipe.close();
  });

  it('leaves the pipe description it was given blocking, as the shell and other processes sharing it expect', () => {
    const pipe = fifo('shared');
    const nonBlocking = (fd: number) => {
      const flags = /^flags:\s+([0-7]+)$/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'))?.[1];
      assert.ok(flags !== undefined, 'fdinfo shows the flags');
      return (Number.parseInt(flags, 8) & constants.O_NONBLOCK) !== 0;
    };
    const logStream = new BoundedLogStream({ sink: sinkFor(pipe.writer), droppedLine: () => '' });
    logStream.write('{"n":1}\n');
    logStream.flush();
    assert.equal(pipe.readAll(), '{"n":1}\n');
    assert.equal(nonBlocking(pipe.writer), false);
    logStream.close();
    pipe.close();
  });
});
