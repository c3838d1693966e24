import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type BlockSink, BoundedLogStream } from '../src/log-stream.js';

/** A reader that takes nothing until told to: each block waits for release(). */
function stalledReader() {
  const written: string[] = [];
  const waiting: { block: Buffer; done: (error?: Error | null) => void }[] = [];
  const sink: BlockSink = { write: (block, done) => waiting.push({ block, done }) };
  /** Lets the reader take every block it is given, including those handed over meanwhile. */
  const release = () => {
    for (let next = waiting.shift(); next !== undefined; next = waiting.shift()) {
      written.push(next.block.toString('utf8'));
      next.done();
    }
  };
  return { sink, written, waiting, release };
}

const line = (index: number, bytes = 50) => `${`{"n":${index}}`.padEnd(bytes - 1, ' ')}\n`;

function stream(sink: BlockSink, options: { blockBytes?: number; maxPendingBytes?: number } = {}) {
  const dropped: number[] = [];
  const logStream = new BoundedLogStream({
    sink,
    ...options,
    droppedLine: (count) => `{"droppedLines":${count}}\n`,
    onDropped: (count) => dropped.push(count),
  });
  return { logStream, dropped };
}

describe('the bounded log stream', () => {
  it('holds at most maxPendingBytes for a reader that takes nothing, and drops and counts every further line', () => {
    const reader = stalledReader();
    const { logStream, dropped } = stream(reader.sink, { blockBytes: 100, maxPendingBytes: 1000 });
    for (let index = 0; index < 100; index++) logStream.writeAscii(line(index));
    assert.equal(logStream.pendingBytes, 1000);
    assert.equal(logStream.droppedLines, 80);
    assert.equal(
      dropped.reduce((sum, count) => sum + count, 0),
      80,
    );
    // One block in flight at a time: the reader was handed the first and nothing else.
    assert.equal(reader.waiting.length, 1);
    logStream.close();
  });

  it('writes the kept lines whole and in order once the reader catches up, then one line saying how many were lost', () => {
    const reader = stalledReader();
    const { logStream } = stream(reader.sink, { blockBytes: 100, maxPendingBytes: 1000 });
    for (let index = 0; index < 30; index++) logStream.writeAscii(line(index));
    let flushed = false;
    logStream.flush(() => {
      flushed = true;
    });
    reader.release();
    assert.equal(flushed, true);
    const lines = reader.written.join('').split('\n').slice(0, -1);
    assert.deepEqual(
      lines.slice(0, 20).map((text) => JSON.parse(text)),
      Array.from({ length: 20 }, (_, index) => ({ n: index })),
    );
    assert.deepEqual(lines.slice(20), ['{"droppedLines":10}']);
    assert.equal(logStream.pendingBytes, 0);
    // Room again: the next lines are kept.
    logStream.writeAscii(line(30));
    logStream.flush();
    reader.release();
    assert.deepEqual(JSON.parse(reader.written.join('').split('\n').at(-2) ?? ''), { n: 30 });
    assert.equal(logStream.droppedLines, 10);
    logStream.close();
  });

  it('never hands the reader a block larger than a pipe writes atomically (4 KiB)', () => {
    const reader = stalledReader();
    const { logStream } = stream(reader.sink, { blockBytes: 8192 });
    for (let index = 0; index < 5; index++) logStream.writeAscii(line(index, 1500));
    logStream.flush();
    reader.release();
    assert.deepEqual(
      reader.written.map((block) => block.length),
      [3000, 3000, 1500],
    );
    logStream.close();
  });

  it('counts the lines of a block the reader refused (it went away) as dropped', () => {
    const sink: BlockSink = { write: (_block, done) => done(Object.assign(new Error('EPIPE'), { code: 'EPIPE' })) };
    const { logStream } = stream(sink, { blockBytes: 100 });
    logStream.writeAscii(line(0));
    logStream.writeAscii(line(1));
    logStream.writeAscii(line(2));
    logStream.flush();
    // Nothing is reported into a stream whose reader is gone: the count is in droppedLines (and metrics) only.
    assert.equal(logStream.droppedLines, 3);
    assert.equal(logStream.pendingBytes, 0);
    logStream.close();
  });

  it('counts the bytes, not the characters, of a line that is not ASCII', () => {
    const reader = stalledReader();
    const { logStream } = stream(reader.sink, { blockBytes: 4096 });
    logStream.write('{"subject":"é"}\n');
    assert.equal(logStream.pendingBytes, Buffer.byteLength('{"subject":"é"}\n'));
    logStream.close();
  });
});

describe('the bounded log stream at exit', () => {
  it('writes what is held synchronously when the reader has kept up', () => {
    const reader = stalledReader();
    const { logStream } = stream(reader.sink, { blockBytes: 4096 });
    logStream.writeAscii(line(0));
    logStream.writeAscii(line(1));
    const written: string[] = [];
    logStream.flushSync((block) => written.push(block.toString('utf8')));
    assert.equal(written.join(''), line(0) + line(1));
    assert.equal(logStream.droppedLines, 0);
  });

  it('drops and counts what is held, without writing, while the reader has not taken the block in flight', () => {
    const reader = stalledReader();
    const { logStream } = stream(reader.sink, { blockBytes: 100 });
    for (let index = 0; index < 6; index++) logStream.writeAscii(line(index));
    // Blocks of two lines: the first is with the reader, two wait, nothing is pending.
    assert.equal(reader.waiting.length, 1);
    let synchronousWrites = 0;
    logStream.flushSync(() => {
      synchronousWrites++;
    });
    assert.equal(synchronousWrites, 0);
    assert.equal(logStream.droppedLines, 4);
  });
});
