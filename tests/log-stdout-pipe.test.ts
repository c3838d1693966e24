/**
 * A server whose stdout is a pipe nobody reads keeps answering (its log lines wait in bounded memory, then are
 * dropped and counted), and a server whose reader is slow but reads loses none of its last lines at exit.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { makeFifo, type Fifo } from './support/fifo.js';
import { postForm } from './support/http.js';
import { scrape, sampleValue } from './support/metrics.js';
import { freePort } from './support/ports.js';
import { seedStandard } from './support/seed.js';
import { startTollgate, type TollgateProcess } from './support/tollgate.js';

/** More request lines (about 200 bytes each) than the pipe (64 KiB) and the stream's memory bound (1 MiB) hold. */
const REQUESTS = 8_000;
const CONCURRENCY = 8;
const EXIT_LOOPS = 10;

const open: { server?: TollgateProcess; fifo: Fifo }[] = [];
after(async () => {
  for (const { server, fifo } of open.splice(0)) {
    await server?.stop();
    fifo.close();
  }
});

async function startOnFifo(env: Record<string, string> = {}): Promise<{ server: TollgateProcess; fifo: Fifo }> {
  const fifo = makeFifo();
  const entry: { server?: TollgateProcess; fifo: Fifo } = { fifo };
  open.push(entry);
  entry.server = await startTollgate({ stdout: fifo.writer, env });
  fifo.closeWriter();
  return { server: entry.server, fifo };
}

/** Reads `fifo` until `done(text)` holds for all read so far, in reads of at most `chunkBytes`; bounded. */
async function readUntil(fifo: Fifo, done: (text: string, ended: boolean) => boolean, chunkBytes?: number) {
  let text = '';
  for (let attempt = 0; attempt < 60_000; attempt++) {
    const read = fifo.read(chunkBytes);
    text += read.text;
    if (done(text, read.ended)) return text;
    await delay(read.text === '' ? 10 : 1);
  }
  assert.fail(`the pipe never gave what was awaited; read so far:\n${text.slice(-2000)}`);
}

/** The log lines of what was read, each parsed whole; the ready line `tollgate start` prints is plain text. */
function jsonLines(text: string): Record<string, unknown>[] {
  assert.ok(text.endsWith('\n'), 'the output ends with a whole line');
  return text
    .slice(0, -1)
    .split('\n')
    .filter((line) => !line.startsWith('Tollgate listening on '))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('a server whose stdout is a pipe', () => {
  it('answers every request while nobody reads the pipe, counts the lines it dropped, and reports them once read', async () => {
    const metricsPort = await freePort();
    const { server, fifo } = await startOnFifo({ TOLLGATE_METRICS_LISTEN: `127.0.0.1:${metricsPort}` });
    const seed = await seedStandard(server);
    let answered = 0;
    let next = 0;
    const worker = async () => {
      while (next < REQUESTS) {
        next += 1;
        const response = await postForm(
          `${server.url}/token`,
          { grant_type: 'client_credentials' },
          { basic: seed.backend },
        );
        assert.equal(response.status, 200);
        answered += 1;
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    assert.equal(answered, REQUESTS);
    const { samples } = await scrape(`http://127.0.0.1:${metricsPort}/metrics`);
    const dropped = sampleValue(samples, 'tollgate_log_lines_dropped_total');
    assert.ok(dropped > 0, `lines were dropped (${dropped})`);

    const text = await readUntil(fifo, (read) => read.includes('"droppedLines"'));
    const lines = jsonLines(text);
    const report = lines.at(-1);
    assert.equal(report?.msg, 'log lines dropped: stdout did not keep up');
    assert.equal(report?.level, 40);
    assert.ok(Number(report?.droppedLines) >= dropped, `the warning counts every line dropped (${dropped})`);
  });

  it('writes its shutdown lines at exit to a reader that reads slowly, every time', async () => {
    for (let loop = 0; loop < EXIT_LOOPS; loop++) {
      const { server, fifo } = await startOnFifo();
      // The reader takes 512 bytes at a time: more lines than the pipe holds wait in the server when it is told to stop.
      const reading = readUntil(fifo, (_read, ended) => ended, 512);
      const seed = await seedStandard(server);
      const answers = await Promise.all(
        Array.from({ length: 400 }, () =>
          postForm(`${server.url}/token`, { grant_type: 'client_credentials' }, { basic: seed.backend }),
        ),
      );
      assert.deepEqual(new Set(answers.map((answer) => answer.status)), new Set([200]));
      server.signal('SIGTERM');
      const lines = jsonLines(await reading);
      assert.equal(await server.exited(30_000), true);
      assert.equal(lines.filter((line) => line.msg === 'request completed').length, 400);
      assert.deepEqual(
        { msg: lines.at(-1)?.msg, signal: lines.at(-1)?.signal },
        { msg: 'shutting down', signal: 'SIGTERM' },
        `loop ${loop}: the last line read is the server's last`,
      );
      await server.stop();
      fifo.close();
      open.pop();
    }
  });
});
