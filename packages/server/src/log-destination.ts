/**
 * Where the server logs by default: stdout, through the bounded log stream it shares with the gateway
 * (@tollgate/transport's log-stream.ts): a reader that stalls (an unread pipe) never blocks the event loop, memory
 * stays bounded, and lines beyond the bound are dropped, counted (tollgate_log_lines_dropped_total) and reported by
 * one warning line once the reader catches up.
 *
 * The "request completed" line every request logs (app.ts) is gathered and written in blocks of up to 4 KiB, or once
 * a second (nginx's `access_log ... buffer= flush=`, as the gateway's access log does): a write per request was about
 * 6 % of the token endpoint's CPU in a profile. Any other line is handed to the reader at once, behind what is
 * gathered, so lines keep their order and no warning waits; what is held when the process exits is written then.
 */
import { BoundedLogStream, jsonMembers, lineEnd, lineStart, sinkFor } from '@tollgate/transport';
import type { DestinationStream } from 'pino';

export const REQUEST_COMPLETED = 'request completed';
const REQUEST_LINE_MARK = `"msg":"${REQUEST_COMPLETED}"`;
const BLOCK_BYTES = 4096;
/** pino's level number for warn. */
const WARN = 40;
const DROPPED_LINE_END = lineEnd('log lines dropped: stdout did not keep up');

let stdout: BoundedLogStream | undefined;

/** One per process, however many servers it starts: one writer per file descriptor keeps lines whole. */
function stdoutStream(): BoundedLogStream {
  if (stdout !== undefined) return stdout;
  const bindings = jsonMembers({ service: 'tollgate' });
  const stream = new BoundedLogStream({
    sink: sinkFor(1),
    blockBytes: BLOCK_BYTES,
    droppedLine: (count) => `${lineStart(WARN, bindings)},"droppedLines":${count}${DROPPED_LINE_END}`,
  });
  // 'exit' listeners run after process.exit() too: the server's last lines (shutdown, a fatal error) are written.
  process.once('exit', () => stream.flushSync());
  stdout = stream;
  return stream;
}

/** Lines dropped so far because stdout did not keep up (0 when the server never logged to stdout). */
export function droppedLogLines(): number {
  return stdout?.droppedLines ?? 0;
}

export function stdoutLog(): DestinationStream & { flush(): void } {
  const stream = stdoutStream();
  return {
    write(line: string): void {
      stream.write(line);
      if (!line.includes(REQUEST_LINE_MARK)) stream.flush();
    },
    flush: () => stream.flush(),
  };
}
