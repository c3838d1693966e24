/**
 * Where the server logs by default: stdout through @tollgate/log-stream, as the gateway's access log, so a slow reader
 * (`tollgate start | slow-consumer`, a stalled log shipper) never blocks the event loop: with pino's synchronous
 * destination every line waited for the pipe, and token and introspection requests waited behind it.
 *
 * The "request completed" line every request logs (app.ts) gathers into blocks, written once 4 KiB are pending or
 * once a second (nginx's `access_log ... buffer= flush=`): a write per request was about 6 % of the token endpoint's
 * CPU in a profile. Any other line is handed to the reader at once, behind the lines gathered before it, so lines
 * keep their order and no warning waits. When the reader falls behind, at most 1 MiB waits; further lines are
 * dropped and counted (tollgate_log_lines_dropped_total), and once it has caught up a warning line says how many.
 */
import { type BoundedLogStream, openStdoutLogStream } from '@tollgate/log-stream';
import type { DestinationStream } from 'pino';

export const REQUEST_COMPLETED = 'request completed';
const REQUEST_LINE_MARK = `"msg":"${REQUEST_COMPLETED}"`;
const BLOCK_BYTES = 4096;

/** pino's numeric warn level and the base bindings createLogger gives every line (logging.ts). */
const droppedLine = (count: number) =>
  `{"level":40,"time":${Date.now()},"service":"tollgate","droppedLines":${count},` +
  '"msg":"log lines dropped: stdout did not keep up"}\n';

/** One per process, however many servers it starts: one writer per file descriptor keeps lines whole. */
let stdout: BoundedLogStream | undefined;

/** Lines this process dropped because stdout did not keep up, and bytes waiting for it (0 before it logs there). */
export function stdoutLogState(): { droppedLines: number; pendingBytes: number } {
  return { droppedLines: stdout?.droppedLines ?? 0, pendingBytes: stdout?.pendingBytes ?? 0 };
}

export function stdoutLog(): DestinationStream & { flush(done?: () => void): void } {
  stdout ??= openStdoutLogStream({ droppedLine, blockBytes: BLOCK_BYTES });
  const stream = stdout;
  return {
    write(line: string): void {
      stream.write(line);
      if (!line.includes(REQUEST_LINE_MARK)) stream.flush();
    },
    flush: (done) => stream.flush(done),
  };
}
