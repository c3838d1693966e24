/**
 * Reading a password without putting it on the command line (where `ps` and shell history see it):
 * from stdin with `--password-stdin`, or typed twice at a hidden terminal prompt.
 */
import type { Readable, Writable } from 'node:stream';
import { UsageError } from './usage.js';

type Input = Readable & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };

/** Everything on stdin, minus one trailing newline (what `echo` or a here-string adds). */
export async function readPasswordFromStdin(stdin: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  const password = Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
  if (/[\r\n]/.test(password)) throw new UsageError('the password on stdin must be a single line');
  if (password === '') throw new UsageError('no password on stdin');
  return password;
}

export async function promptNewPassword(stdin: Input, prompts: Writable): Promise<string> {
  if (!stdin.isTTY || typeof stdin.setRawMode !== 'function') {
    throw new UsageError('no terminal to prompt for a password; pass it with --password-stdin');
  }
  const first = await promptHidden(stdin, prompts, 'Password: ');
  const second = await promptHidden(stdin, prompts, 'Repeat password: ');
  if (first !== second) throw new UsageError('the passwords do not match');
  return first;
}

export class PromptInterrupted extends Error {}

/** Reads one line in raw mode without echoing it. Ctrl-C aborts; backspace edits. */
function promptHidden(stdin: Input, prompts: Writable, question: string): Promise<string> {
  prompts.write(question);
  stdin.setRawMode?.(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  return new Promise((resolve, reject) => {
    let typed = '';
    const finish = (outcome: () => void) => {
      stdin.off('data', onData);
      stdin.setRawMode?.(false);
      stdin.pause();
      prompts.write('\n');
      outcome();
    };
    const onData = (chunk: string) => {
      for (const character of chunk) {
        if (character === '\r' || character === '\n') return finish(() => resolve(typed));
        if (character === '\u0003') return finish(() => reject(new PromptInterrupted('interrupted')));
        if (character === '\u0004' && typed === '') return finish(() => reject(new UsageError('no password entered')));
        if (character === '\u007f' || character === '\b') typed = Array.from(typed).slice(0, -1).join('');
        else if (character >= ' ') typed += character;
      }
    };
    stdin.on('data', onData);
  });
}
