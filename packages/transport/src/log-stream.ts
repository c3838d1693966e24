/**
 * Where the gateway's and the server's log lines go: stdout, written in blocks of whole lines, never blocking the
 * event loop on a slow reader and never growing without bound.
 *
 * Lines gather until 2 KiB are pending, or for a second (nginx's `access_log ... buffer= flush=`): one write per line
 * cost more than the rest of the line. A block never exceeds PIPE_BUF (4 KiB on Linux), the most a pipe takes
 * atomically, and only one block is in flight at a time, so the lines of several workers sharing one stdout never
 * interleave. How a block is written depends on what the reader is (log-sinks.ts): never in a way that blocks the
 * event loop behind a reader that does not read.
 *
 * When the reader cannot keep up, blocks wait in memory up to `maxPendingBytes`; lines beyond that are dropped and
 * counted, and once the queue has drained a warning line says how many were lost (and the count goes to metrics).
 */
const BLOCK_BYTES = 2048;
/** PIPE_BUF on Linux: a pipe writes this much atomically, so workers' lines never interleave. */
const MAX_BLOCK_BYTES = 4096;
const FLUSH_INTERVAL_MS = 1_000;
/** About 4,000 access lines: a reader may stall for a moment without losing any. */
const MAX_PENDING_BYTES = 1024 * 1024;

/** How a block reaches the reader (log-sinks.ts). */
export interface BlockSink {
  /** Hands a block over; `done` is called once it is written (or failed), possibly before write() returns. */
  write(block: Buffer, done: (error?: Error | null) => void): void;
  /**
   * At exit: writes the rest of the block in flight now, as far as the reader takes it within the sink's patience
   * (throws once it gives up). False when the sink cannot know how much of it was written (a write on the thread
   * pool, which the exit does not wait for): then nothing more is written, as it could land out of order.
   */
  finishInFlight(): boolean;
  /** At exit: writes a block now; throws when the reader is gone or the sink's patience ran out. */
  writeNow(block: Buffer): void;
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
   * At exit: everything held, written now, in order, the block in flight first. Nothing is ever lost to a reader that
   * reads: a sink that writes without blocking (a pipe) knows exactly what of the block in flight was written and
   * writes the rest, then the queue, waiting for the reader within its patience. What it gives up on is counted as
   * dropped, and so is everything held when the sink cannot finish the block in flight.
   */
  flushSync(): void {
    clearInterval(this.#timer);
    this.#queuePending();
    const held = this.#queue.splice(0);
    let index = 0;
    try {
      if (this.#writing) {
        this.#writing = false;
        if (!this.#sink.finishInFlight()) throw new Error('the block in flight cannot be finished');
        index = 1;
      }
      for (; index < held.length; index++) this.#sink.writeNow(held[index] as Buffer);
      if (this.#unreported > 0) this.#sink.writeNow(Buffer.from(this.#droppedLine(this.#unreported), 'utf8'));
      this.#unreported = 0;
    } catch {
      for (const block of held.slice(index)) this.#drop(countLines(block));
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
    this.#queuePending();
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
    // Joined to what is pending, unless that would make a block larger than a pipe writes atomically.
    if (this.#pendingBytes + bytes > MAX_BLOCK_BYTES) this.#queuePending();
    this.#pending += line;
    this.#pendingBytes += bytes;
    this.#heldBytes += bytes;
    this.#queuePending();
  }

  #queuePending(): void {
    if (this.#pendingBytes === 0) return;
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
