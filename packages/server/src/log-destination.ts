/**
 * Where the server logs by default: stdout, each line written at once and synchronously as pino's default does,
 * except the "request completed" line every request logs (app.ts). Those are gathered and written in blocks of at
 * least 4 KiB, or once a second (nginx's `access_log ... buffer= flush=`, as the gateway's access log does): a write
 * per request was about 6 % of the token endpoint's CPU in a profile. Any other line first writes what is gathered,
 * so lines keep their order and no warning waits; what is gathered when the process exits is written then.
 */
import { type DestinationStream, pino } from 'pino';

export const REQUEST_COMPLETED = 'request completed';
const REQUEST_LINE_MARK = `"msg":"${REQUEST_COMPLETED}"`;
const BLOCK_BYTES = 4096;
const FLUSH_INTERVAL_MS = 1_000;

const open = new Set<StdoutLog>();

class StdoutLog implements DestinationStream {
  /** Synchronous: the write is done (retried on EAGAIN) when write() returns. */
  readonly #stdout = pino.destination({ dest: 1, sync: true });
  #gathered = '';
  #timer: NodeJS.Timeout | undefined;

  write(line: string): void {
    if (!line.includes(REQUEST_LINE_MARK)) {
      this.flush();
      this.#stdout.write(line);
      return;
    }
    this.#gathered += line;
    if (this.#gathered.length >= BLOCK_BYTES) this.flush();
    else this.#timer ??= setTimeout(() => this.flush(), FLUSH_INTERVAL_MS).unref();
  }

  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#gathered === '') return;
    const block = this.#gathered;
    this.#gathered = '';
    this.#stdout.write(block);
  }
}

export function stdoutLog(): DestinationStream & { flush(): void } {
  if (open.size === 0) {
    // 'exit' listeners run synchronously, after process.exit() too, and the writes are synchronous.
    process.once('exit', () => {
      for (const log of open) log.flush();
    });
  }
  const log = new StdoutLog();
  open.add(log);
  return log;
}
