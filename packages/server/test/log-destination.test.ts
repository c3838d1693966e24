/**
 * The server's default log (log-destination.ts) writes "request completed" lines in blocks, and must still lose
 * none and reorder none: another line goes out at once, behind the ones gathered before it; a lone request line goes
 * out within the flush interval; what is gathered at exit goes out at exit. Run in a child process, on its stdout.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { createLogger } from '../src/logging.js';

const LOGGING_MODULE = new URL('../src/logging.js', import.meta.url).href;

/** A child that logs what its stdin tells it to (`request <n>`, `warn <n>`, `exit`) with the default destination. */
const CHILD = `
import { createInterface } from 'node:readline';
const { createLogger } = await import(${JSON.stringify(LOGGING_MODULE)});
const logger = createLogger({ level: 'info' });
for await (const command of createInterface({ input: process.stdin })) {
  const [what, n] = command.split(' ');
  if (what === 'request') logger.info({ n: Number(n) }, 'request completed');
  if (what === 'warn') logger.warn({ n: Number(n) }, 'something worth reading at once');
  if (what === 'exit') process.exit(0);
}`;

async function waitFor(what: string, check: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe('the default log destination', () => {
  it('keeps the order of lines, writes a lone request line within a second, and loses none at exit', async () => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD], { stdio: ['pipe', 'pipe', 'inherit'] });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    const numbers = () =>
      stdout
        .split('\n')
        .filter(Boolean)
        .map((line) => (JSON.parse(line) as { n: number }).n);

    child.stdin.write('request 1\nrequest 2\nwarn 3\n');
    await waitFor('the warning', () => numbers().includes(3));
    assert.deepEqual(numbers(), [1, 2, 3], 'the request lines gathered before the warning come first');

    child.stdin.write('request 4\n');
    await waitFor('a lone request line', () => numbers().includes(4));

    child.stdin.write('request 5\nexit\n');
    assert.equal(await exited, 0);
    assert.deepEqual(numbers(), [1, 2, 3, 4, 5]);
  });

  it('writes to a destination it is given as it is', () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', destination: { write: (line: string) => lines.push(line) } });
    logger.info({ n: 1 }, 'request completed');
    assert.equal(lines.length, 1);
  });
});
