import assert from 'node:assert/strict';
import { PassThrough, Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { UsageError } from '../src/errors.js';
import { PromptInterrupted, promptNewPassword, readPasswordFromStdin } from '../src/prompt.js';

/** A stand-in terminal: raw mode is recorded, keystrokes are pushed by the test. */
class FakeTerminal extends PassThrough {
  readonly isTTY = true;
  rawModes: boolean[] = [];
  setRawMode(mode: boolean): this {
    this.rawModes.push(mode);
    return this;
  }
}

function captured(): PassThrough & { text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  return Object.assign(stream, { text: () => text });
}

/** Types each line once the prompt before it has been written. */
function typeLines(terminal: FakeTerminal, output: PassThrough, lines: string[]): void {
  let next = 0;
  output.on('data', (chunk: Buffer) => {
    if (chunk.toString().endsWith(': ') && next < lines.length) setImmediate(() => terminal.write(lines[next++]));
  });
}

describe('password prompt', () => {
  it('reads the password twice without echoing it, and restores the terminal', async () => {
    const terminal = new FakeTerminal();
    const output = captured();
    typeLines(terminal, output, ['s3cret-pass\r', 's3cret-pass\r']);
    assert.equal(await promptNewPassword(terminal, output), 's3cret-pass');
    assert.ok(!output.text().includes('s3cret'), 'the password is not echoed');
    assert.match(output.text(), /Password: \nRepeat password: \n/);
    assert.deepEqual(terminal.rawModes, [true, false, true, false]);
  });

  it('handles backspace', async () => {
    const terminal = new FakeTerminal();
    const output = captured();
    typeLines(terminal, output, ['passwordX\u007f\r', 'password\r']);
    assert.equal(await promptNewPassword(terminal, output), 'password');
  });

  it('refuses two different entries', async () => {
    const terminal = new FakeTerminal();
    const output = captured();
    typeLines(terminal, output, ['first-one\r', 'second-one\r']);
    await assert.rejects(
      promptNewPassword(terminal, output),
      (error: unknown) => error instanceof UsageError && /do not match/.test(error.message),
    );
  });

  it('stops on Ctrl-C', async () => {
    const terminal = new FakeTerminal();
    const output = captured();
    typeLines(terminal, output, ['abc\u0003']);
    await assert.rejects(promptNewPassword(terminal, output), PromptInterrupted);
    assert.deepEqual(terminal.rawModes, [true, false]);
  });

  it('refuses to prompt when stdin is not a terminal', async () => {
    await assert.rejects(promptNewPassword(Readable.from(['x\n']), captured()), UsageError);
  });
});

describe('password from stdin', () => {
  it('drops one trailing newline', async () => {
    assert.equal(await readPasswordFromStdin(Readable.from(['pass word\n'])), 'pass word');
    assert.equal(await readPasswordFromStdin(Readable.from(['pass word\r\n'])), 'pass word');
    assert.equal(await readPasswordFromStdin(Readable.from(['  spaced  '])), '  spaced  ');
  });

  it('refuses several lines or nothing', async () => {
    await assert.rejects(readPasswordFromStdin(Readable.from(['one\ntwo\n'])), UsageError);
    await assert.rejects(readPasswordFromStdin(Readable.from([])), UsageError);
  });
});
