/**
 * How the blocks of a BoundedLogStream (log-stream.ts) reach a file descriptor, by what it is:
 *
 * - A pipe (`tollgate start | jq`, a FIFO): written with non-blocking writes on a file description of its own, opened
 *   through /proc/self/fd, so O_NONBLOCK never reaches the description the shell and other processes share (they
 *   would see EAGAIN). A block of at most PIPE_BUF bytes goes in whole or not at all (EAGAIN: tried again a moment
 *   later), on the event loop, so nothing is ever half written or in flight: the exit flush knows exactly what the
 *   reader has and writes the rest, waiting for a slow reader within a bound.
 * - A socket, a terminal, or a pipe /proc cannot reopen (no /proc, no reader yet): written by the thread pool
 *   (fs.write), so a reader that stalls holds up at most that one thread, never the event loop (a second libuv handle
 *   on fd 1 beside process.stdout's is not an option: one fd, one watcher). Node's own process.stdout writes pipes
 *   synchronously on Linux, which would stall the process behind a reader that does not read.
 * - A file or /dev/null: written synchronously, as nginx writes its buffered access log: a write to the page cache is
 *   cheaper than a thread-pool round trip.
 */
import { constants, fstatSync, openSync, write, writeSync } from 'node:fs';
import { isatty } from 'node:tty';
import type { BlockSink } from './log-stream.js';

/** The reader of a non-blocking pipe is full (EAGAIN): try that block again after this long. */
const RETRY_AFTER_MS = 10;
/** At exit, a pipe whose reader takes nothing for this long is given up on... */
const EXIT_STALL_MS = 1_000;
/** ...and the exit waits this long in all, however slowly the reader reads. */
const EXIT_BOUND_MS = 5_000;
/** How long the exit sleeps between attempts on a full pipe. */
const EXIT_RETRY_MS = 2;

export function sinkFor(fd: number): BlockSink {
  const stat = fstatSync(fd);
  const pipe = stat.isFIFO() ? ownNonBlockingDescription(fd) : undefined;
  if (pipe !== undefined) return new NonBlockingPipeSink(pipe);
  if (stat.isFIFO() || stat.isSocket() || isatty(fd)) return threadPoolSink(fd);
  return synchronousSink(fd);
}

/** A second open file description of the pipe `fd` is, non-blocking; undefined where /proc cannot give one. */
function ownNonBlockingDescription(fd: number): number | undefined {
  try {
    return openSync(`/proc/self/fd/${fd}`, constants.O_WRONLY | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
}

function isFull(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | null)?.code === 'EAGAIN';
}

class NonBlockingPipeSink implements BlockSink {
  readonly #fd: number;
  /** The block handed over and not yet all written, waiting for the reader to make room. */
  #inFlight: { block: Buffer; offset: number; done: (error?: Error | null) => void } | undefined;
  #retry: NodeJS.Timeout | undefined;
  /** When the exit's writes started and last made progress (ms since epoch), for its bounds. */
  #exitStartedAt: number | undefined;
  #exitProgressAt = 0;

  constructor(fd: number) {
    this.#fd = fd;
  }

  write(block: Buffer, done: (error?: Error | null) => void): void {
    this.#inFlight = { block, offset: 0, done };
    this.#attempt();
  }

  finishInFlight(): boolean {
    clearTimeout(this.#retry);
    const inFlight = this.#inFlight;
    this.#inFlight = undefined;
    if (inFlight !== undefined) this.#writeWaiting(inFlight.block, inFlight.offset);
    return true;
  }

  writeNow(block: Buffer): void {
    this.#writeWaiting(block, 0);
  }

  #attempt(): void {
    const inFlight = this.#inFlight;
    if (inFlight === undefined) return;
    try {
      // A block of at most PIPE_BUF is written whole or not at all; a longer one (one huge line) may go in parts.
      inFlight.offset += writeSync(this.#fd, inFlight.block, inFlight.offset);
    } catch (error) {
      if (!isFull(error)) {
        this.#inFlight = undefined;
        inFlight.done(error as Error);
        return;
      }
    }
    if (inFlight.offset < inFlight.block.length) {
      this.#retry = setTimeout(() => this.#attempt(), RETRY_AFTER_MS).unref();
      return;
    }
    this.#inFlight = undefined;
    inFlight.done();
  }

  /** At exit: the event loop is over, so a full pipe is waited for by sleeping the thread, within the bounds. */
  #writeWaiting(block: Buffer, from: number): void {
    const now = Date.now();
    this.#exitStartedAt ??= now;
    if (this.#exitProgressAt < this.#exitStartedAt) this.#exitProgressAt = now;
    for (let offset = from; offset < block.length; ) {
      try {
        offset += writeSync(this.#fd, block, offset);
        this.#exitProgressAt = Date.now();
      } catch (error) {
        if (!isFull(error)) throw error;
        const waited = Date.now();
        if (waited - this.#exitProgressAt > EXIT_STALL_MS || waited - this.#exitStartedAt > EXIT_BOUND_MS) throw error;
        sleep(EXIT_RETRY_MS);
      }
    }
  }
}

const sleepCell = new Int32Array(new SharedArrayBuffer(4));

/** Blocks the thread: only at exit, when there is no event loop left to keep turning. */
function sleep(ms: number): void {
  Atomics.wait(sleepCell, 0, 0, ms);
}

function writeWhole(fd: number, block: Buffer): void {
  let offset = 0;
  while (offset < block.length) offset += writeSync(fd, block, offset);
}

function threadPoolSink(fd: number): BlockSink {
  return {
    write: (block, done) => writeAll(fd, block, 0, done),
    // The thread may have written part of the block, or all of it: the exit cannot tell, so it writes nothing more.
    finishInFlight: () => false,
    writeNow: (block) => writeWhole(fd, block),
  };
}

function synchronousSink(fd: number): BlockSink {
  return {
    write: (block, done) => {
      try {
        writeWhole(fd, block);
        done();
      } catch (error) {
        done(error as Error);
      }
    },
    // Every block is written before write() returns: none is ever in flight.
    finishInFlight: () => true,
    writeNow: (block) => writeWhole(fd, block),
  };
}

/** fs.write may write part of a block (a pipe that is nearly full): the rest follows. */
function writeAll(fd: number, block: Buffer, offset: number, done: (error?: Error | null) => void): void {
  write(fd, block, offset, block.length - offset, null, (error, written) => {
    if (error?.code === 'EAGAIN') setTimeout(() => writeAll(fd, block, offset, done), RETRY_AFTER_MS).unref();
    else if (error !== null) done(error);
    else if (offset + written < block.length) writeAll(fd, block, offset + written, done);
    else done();
  });
}
