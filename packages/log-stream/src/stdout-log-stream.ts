/**
 * A process's stdout as a BoundedLogStream: the one way the server and the gateway open it, so both keep the same
 * guarantees (whole lines, a bounded backlog, no stall behind a slow reader) and the same exit behaviour.
 */
import { BoundedLogStream, sinkFor } from './bounded-log-stream.js';

export interface StdoutLogStreamOptions {
  /** The line, in the caller's log format, that reports `count` dropped lines. */
  droppedLine: (count: number) => string;
  /** Told of every line dropped (the caller's metrics). */
  onDropped?: (count: number) => void;
  blockBytes?: number;
}

/**
 * Call once per process and keep the stream: one writer per file descriptor is what keeps lines whole. At exit, what
 * is still held is written synchronously as far as the reader takes it without waiting (flushSync), so a line logged
 * just before process.exit() reaches a reader that keeps up, and a reader that does not costs counted lines, not a
 * hung exit.
 */
export function openStdoutLogStream(options: StdoutLogStreamOptions): BoundedLogStream {
  const { sink, writeNow } = sinkFor(1);
  const stream = new BoundedLogStream({ sink, ...options });
  process.once('exit', () => stream.flushSync(writeNow));
  return stream;
}

/** How long flushWithin waits by default: a stdout nobody reads must not hold a shutdown up for longer. */
const FLUSH_TIMEOUT_MS = 2_000;

/**
 * Waits until what a logger holds is written, or `timeoutMs` has passed. For a process about to exit: the exit-time
 * flush makes one synchronous attempt only, which cannot finish a block a thread-pool write has under way.
 * `logger.flush` is pino's (it calls its stream's flush, or the callback at once when the stream has none).
 */
export function flushWithin(logger: { flush(done: () => void): void }, timeoutMs = FLUSH_TIMEOUT_MS): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    timer.unref();
    logger.flush(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
