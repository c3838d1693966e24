/**
 * Where the gateway's and the server's log lines go: stdout, written in blocks of whole lines, never blocking the event loop on a slow
 * reader and never growing without bound.
 *
 * Lines gather until 2 KiB are pending, or for a second (nginx's `access_log ... buffer= flush=`): one write per line
 * cost more than the rest of the line. A block never exceeds PIPE_BUF (4 KiB on Linux), the most a pipe takes
 * atomically, and only one block is in flight at a time, so the lines of several workers sharing one stdout never
 * interleave. A pipe or socket is written asynchronously (Node's own process.stdout writes pipes synchronously on
 * Linux, which would stall the gateway behind a slow reader); a file or /dev/null synchronously (see sinkFor).
 *
 * When the reader cannot keep up, blocks wait in memory up to `maxPendingBytes`; lines beyond that are dropped and
 * counted, and once the queue has drained a warning line says how many were lost (and the count goes to metrics).
 */
import { fstatSync, write, writeSync } from 'node:fs';
import { isatty } from 'node:tty';

const BLOCK_BYTES = 2048;
/** PIPE_BUF on Linux: a pipe writes this much atomically, so workers' lines never interleave. */
const MAX_BLOCK_BYTES = 4096;
const FLUSH_INTERVAL_MS = 1_000;
/** About 4,000 access lines: a reader may stall for a moment without losing any. */
const MAX_PENDING_BYTES = 1024 * 1024;
/** A non-blocking file description whose reader is full (EAGAIN): try that block again after this long. */
const RETRY_AFTER_MS = 10;

/** How a block reaches the reader: `done` is called once it is written (or failed). */
export interface BlockSink {
  write(block: Buffer, done: (error?: Error | null) => void): void;
}

export interface LogStreamOptions {
  sink: BlockSink;
  blockBytes?: number;
  maxPendingBytes?: number;
  flushIntervalMs?: number;
  /** The line that reports `count` dropped lines, written once the queue has drained. */
  droppedLine: (count: number) => string;
  /** Told of every line dropped (metrics). */
  onDropped?: (count: number) => void;
}

export class BoundedLogStream {
  readonly #sink: BlockSink;
  readonly #blockBytes: number;
  readonly #maxPendingBytes: number;
  readonly #droppedLine: (count: number) => string;
  readonly #onDropped: ((count: number) => void) | undefined;
  /** Lines not yet made a block. */
  #pending = '';
  #pendingBytes = 0;
  /** Blocks waiting for the one in flight. */
  readonly #queue: Buffer[] = [];
  /** Bytes held in #pending, #queue and the block in flight. */
  #heldBytes = 0;
  #writing = false;
  /** Dropped since the last report. */
  #unreported = 0;
  #droppedTotal = 0;
  #flushed: (() => void)[] = [];
  readonly #timer: NodeJS.Timeout;

  constructor(options: LogStreamOptions) {
    this.#sink = options.sink;
    this.#blockBytes = options.blockBytes ?? BLOCK_BYTES;
    this.#maxPendingBytes = options.maxPendingBytes ?? MAX_PENDING_BYTES;
    this.#droppedLine = options.droppedLine;
    this.#onDropped = options.onDropped;
    this.#timer = setInterval(() => this.#handOff(), options.flushIntervalMs ?? FLUSH_INTERVAL_MS);
    this.#timer.unref();
  }

  /** Lines dropped so far because the reader could not keep up. */
  get droppedLines(): number {
    return this.#droppedTotal;
  }

  /** Bytes held in memory, waiting for the reader. */
  get pendingBytes(): number {
    return this.#heldBytes;
  }

  /** A whole line (newline included). pino's lines may hold any character, so their bytes are counted. */
  write(line: string): void {
    this.writeAscii(line, Buffer.byteLength(line));
  }

  /** A whole line known to be ASCII (`bytes` its length), as access-log.ts formats them. */
  writeAscii(line: string, bytes = line.length): void {
    if (this.#heldBytes + bytes > this.#maxPendingBytes) {
      this.#drop(1);
      return;
    }
    if (this.#pendingBytes + bytes > MAX_BLOCK_BYTES) this.#handOff();
    this.#pending += line;
    this.#pendingBytes += bytes;
    this.#heldBytes += bytes;
    if (this.#pendingBytes >= this.#blockBytes) this.#handOff();
  }

  /** Hands what is pending to the reader; `done` once everything held so far is written. */
  flush(done: () => void = () => {}): void {
    this.#handOff();
    if (!this.#writing) done();
    else this.#flushed.push(done);
  }

  /**
   * At exit: what is held, written synchronously, unless a block is still in flight: then the reader is behind, a
   * synchronous write to its pipe could block the exit for as long as it stays behind, so the rest is dropped
   * (counted). A write that fails drops the rest too.
   */
  flushSync(writeNow: (block: Buffer) => void): void {
    clearInterval(this.#timer);
    // Nothing waits in the queue unless a block is in flight (#writeNext drains it).
    const held = this.#queue.splice(this.#writing ? 1 : 0);
    if (this.#pendingBytes > 0) held.push(Buffer.from(this.#pending, 'utf8'));
    this.#pending = '';
    this.#pendingBytes = 0;
    for (const [index, block] of held.entries()) {
      if (this.#writing) {
        this.#drop(countLines(block));
        continue;
      }
      try {
        writeNow(block);
      } catch {
        for (const rest of held.slice(index)) this.#drop(countLines(rest));
        return;
      }
    }
  }

  close(): void {
    clearInterval(this.#timer);
  }

  #drop(count: number): void {
    this.#unreported += count;
    this.#droppedTotal += count;
    this.#onDropped?.(count);
  }

  #handOff(): void {
    if (this.#pendingBytes === 0) return;
    this.#queue.push(Buffer.from(this.#pending, 'utf8'));
    this.#pending = '';
    this.#pendingBytes = 0;
    if (!this.#writing) this.#writeNext();
  }

  #writeNext(): void {
    const block = this.#queue[0];
    if (block === undefined) {
      this.#writing = false;
      for (const done of this.#flushed.splice(0)) done();
      return;
    }
    this.#writing = true;
    this.#sink.write(block, (error) => this.#written(block, error));
  }

  #written(block: Buffer, error: Error | null | undefined): void {
    this.#queue.shift();
    this.#heldBytes -= block.length;
    // A reader that is gone (EPIPE, EBADF) takes nothing more: count the block's lines as dropped and go on. The
    // report waits for a block the reader took.
    if (error !== undefined && error !== null) this.#drop(countLines(block));
    else if (this.#unreported > 0 && this.#queue.length === 0) this.#reportDropped();
    this.#writeNext();
  }

  /** The queue has drained: say how much was lost, in the log itself. */
  #reportDropped(): void {
    const line = this.#droppedLine(this.#unreported);
    this.#unreported = 0;
    const bytes = Buffer.byteLength(line);
    this.#pending += line;
    this.#pendingBytes += bytes;
    this.#heldBytes += bytes;
    this.#queue.push(Buffer.from(this.#pending, 'utf8'));
    this.#pending = '';
    this.#pendingBytes = 0;
  }
}

function countLines(block: Buffer): number {
  let lines = 0;
  for (let index = block.indexOf(10); index !== -1; index = block.indexOf(10, index + 1)) lines++;
  return lines;
}

/**
 * The sink for a file descriptor. A pipe, socket or terminal is written by the thread pool (fs.write), so a reader
 * that stalls holds up at most that one thread, never the event loop (a second libuv handle on fd 1 beside
 * process.stdout's is not an option: one fd, one watcher). A file or /dev/null is written synchronously, one block at
 * a time, as nginx writes its buffered access log: a write to the page cache is cheaper than a thread-pool round trip.
 */
export function sinkFor(fd: number): { sink: BlockSink; writeNow: (block: Buffer) => void } {
  const writeNow = (block: Buffer) => {
    let offset = 0;
    while (offset < block.length) offset += writeSync(fd, block, offset);
  };
  const stat = fstatSync(fd);
  if (stat.isFIFO() || stat.isSocket() || isatty(fd)) {
    return { sink: { write: (block, done) => writeAll(fd, block, 0, done) }, writeNow };
  }
  const sink: BlockSink = {
    write: (block, done) => {
      try {
        writeNow(block);
        done();
      } catch (error) {
        done(error as Error);
      }
    },
  };
  return { sink, writeNow };
}

/**
 * fs.write may write part of a block (a pipe that is nearly full): the rest follows. A non-blocking file description
 * whose reader is full answers EAGAIN: the rest is tried again a moment later, holding no thread meanwhile.
 */
function writeAll(fd: number, block: Buffer, offset: number, done: (error?: Error | null) => void): void {
  write(fd, block, offset, block.length - offset, null, (error, written) => {
    if (error?.code === 'EAGAIN') setTimeout(() => writeAll(fd, block, offset, done), RETRY_AFTER_MS).unref();
    else if (error !== null) done(error);
    else if (offset + written < block.length) writeAll(fd, block, offset + written, done);
    else done();
  });
}
