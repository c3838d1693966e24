import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type BlockSink, BoundedLogStream } from '../src/log-stream.js';

/** A reader that takes nothing until told to: each block waits for release(). */
function stalledReader() {
  const written: string[] = [];
  const waiting: { block: Buffer; done: (error?: Error | null) => void }[] = [];
  const atExit: string[] = [];
  const sink: BlockSink = {
    write: (block, done) => waiting.push({ block, done }),
    // As a non-blocking pipe: the block in flight was not written, the exit writes it.
    finishInFlight: () => {
      const inFlight = waiting.shift();
      if (inFlight !== undefined) atExit.push(inFlight.block.toString('utf8'));
      return true;
    },
    writeNow: (block) => atExit.push(block.toString('utf8')),
  };
  /** Lets the reader take every block it is given, including those handed over meanwhile. */
  const release = () => {
    for (let next = waiting.shift(); next !== undefined; next = waiting.shift()) {
      written.push(next.block.toString('utf8'));
      next.done();
    }
  };
  return { sink, written, waiting, release, atExit };
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

  it('keeps the line reporting drops out of a block that it would make larger than 4 KiB', () => {
    const reader = stalledReader();
    const { logStream } = stream(reader.sink, { blockBytes: 4096, maxPendingBytes: 8200 });
    // Lines 0-3 in flight (4,080 bytes), 4-7 pending (4,080), 8 dropped.
    for (let index = 0; index < 9; index++) logStream.writeAscii(line(index, 1020));
    assert.equal(logStream.droppedLines, 1);
    reader.release();
    logStream.flush();
    reader.release();
    assert.ok(
      reader.written.every((block) => Buffer.byteLength(block) <= 4096),
      `blocks of ${reader.written.map((block) => Buffer.byteLength(block))} bytes`,
    );
    assert.match(reader.written.join(''), /\{"droppedLines":1\}\n$/);
    logStream.close();
  });

  it('counts the lines of a block the reader refused (it went away) as dropped', () => {
    const sink: BlockSink = {
      write: (_block, done) => done(Object.assign(new Error('EPIPE'), { code: 'EPIPE' })),
      finishInFlight: () => true,
      writeNow: () => {},
    };
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

/** A stream of `lines` lines in blocks of two, whose sink at exit counts its writes and fails the `failingWrite`th. */
function exitWith(options: { finishInFlight?: () => boolean; failingWrite?: number }, lines: number) {
  let writes = 0;
  const sink: BlockSink = {
    ...stalledReader().sink,
    ...(options.finishInFlight ? { finishInFlight: options.finishInFlight } : {}),
    writeNow: () => {
      writes++;
      if (writes === options.failingWrite) throw Object.assign(new Error('EAGAIN'), { code: 'EAGAIN' });
    },
  };
  const { logStream } = stream(sink, { blockBytes: 100 });
  for (let index = 0; index < lines; index++) logStream.writeAscii(line(index));
  return { logStream, writes: () => writes };
}

describe('the bounded log stream at exit', () => {
  it('writes what is held, in order, the block in flight first, when the sink can finish it (a non-blocking pipe)', () => {
    const reader = stalledReader();
    const { logStream } = stream(reader.sink, { blockBytes: 100 });
    for (let index = 0; index < 7; index++) logStream.writeAscii(line(index));
    // Blocks of two lines: the first is with the reader, two wait, one line is pending.
    assert.equal(reader.waiting.length, 1);
    logStream.flushSync();
    assert.equal(reader.atExit.join(''), Array.from({ length: 7 }, (_, index) => line(index)).join(''));
    assert.equal(logStream.droppedLines, 0);
  });

  it('ends with the line saying how many were dropped, after what was kept', () => {
    const reader = stalledReader();
    const { logStream } = stream(reader.sink, { blockBytes: 100, maxPendingBytes: 200 });
    for (let index = 0; index < 6; index++) logStream.writeAscii(line(index));
    logStream.flushSync();
    const lines = reader.atExit.join('').split('\n').slice(0, -1);
    assert.deepEqual(lines.at(-1), '{"droppedLines":2}');
    assert.equal(lines.length, 5);
  });

  it('drops and counts what is held, without writing, when the sink cannot tell what of the block in flight was written', () => {
    const { logStream, writes } = exitWith({ finishInFlight: () => false }, 6);
    logStream.flushSync();
    assert.equal(writes(), 0);
    assert.equal(logStream.droppedLines, 6);
  });

  it('counts what the sink gave up on (the reader stopped reading) as dropped, and writes nothing after it', () => {
    const { logStream, writes } = exitWith({ failingWrite: 2 }, 8);
    // In flight: lines 0-1 (finished); queued: 2-3 (written), 4-5 (given up), 6-7 (not tried).
    logStream.flushSync();
    assert.equal(writes(), 2);
    assert.equal(logStream.droppedLines, 4);
  });
});
