/**
 * A named pipe for a server's stdout, read (or not) by the test: the reader's description is non-blocking, so reading
 * never blocks the test's event loop, and opening it first lets the writer's open (blocking, as a shell's) succeed.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Fifo {
  /** The write end, to give a child as its stdout; closeWriter() once the child has it. */
  readonly writer: number;
  closeWriter(): void;
  /** Reads what is in the pipe now, at most `maxBytes`; `ended` once every writer has closed it and it is empty. */
  read(maxBytes?: number): { text: string; ended: boolean };
  close(): void;
}

export function makeFifo(): Fifo {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-fifo-'));
  const path = join(dir, 'stdout');
  execFileSync('mkfifo', [path]);
  const reader = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  const writer = openSync(path, constants.O_WRONLY);
  let writerOpen = true;
  const buffer = Buffer.alloc(1 << 20);
  const closeWriter = () => {
    if (writerOpen) closeSync(writer);
    writerOpen = false;
  };
  return {
    writer,
    closeWriter,
    read(maxBytes = buffer.length) {
      let text = '';
      for (;;) {
        let read: number;
        try {
          read = readSync(reader, buffer, 0, Math.min(maxBytes - Buffer.byteLength(text), buffer.length), null);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'EAGAIN') return { text, ended: false };
          throw error;
        }
        if (read === 0) return { text, ended: text === '' };
        text += buffer.toString('utf8', 0, read);
        if (Buffer.byteLength(text) >= maxBytes) return { text, ended: false };
      }
    },
    close() {
      closeWriter();
      closeSync(reader);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
