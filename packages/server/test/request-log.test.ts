/**
 * The request-completed line is written by hand (request-log.ts): it must be the line pino writes for the same
 * fields through the same logger, bindings and all, honour the level, and keep any input inside its JSON string.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DestinationStream } from 'pino';
import { REQUEST_COMPLETED } from '../src/log-destination.js';
import { createLogger } from '../src/logging.js';
import { type CompletedRequest, logRequestCompleted } from '../src/request-log.js';

function capture(): DestinationStream & { lines: string[] } {
  const lines: string[] = [];
  return { lines, write: (line: string) => void lines.push(line) };
}

const ENTRY: CompletedRequest = {
  method: 'POST',
  path: '/token',
  status: 200,
  responseTimeMs: 0.53,
  remoteAddress: '127.0.0.1',
};

/** The line without its time, which differs between two writes. */
const timeless = (line: string | undefined) => line?.replace(/"time":\d+/, '"time":0');

describe('the request-completed line', () => {
  it('is byte for byte the line pino writes for the same fields through the same request logger', () => {
    const destination = capture();
    const requestLog = createLogger({ level: 'info', destination }).child({ reqId: 'req-7' });
    for (const entry of [ENTRY, { ...ENTRY, remoteAddress: undefined }, { ...ENTRY, status: 404, path: '/x y' }]) {
      logRequestCompleted(requestLog, 'info', entry);
      requestLog.info(entry, REQUEST_COMPLETED);
      const [ours, pinos] = destination.lines.splice(0);
      assert.equal(timeless(ours), timeless(pinos));
    }
  });

  it('is written only when its level is on', () => {
    const destination = capture();
    const requestLog = createLogger({ level: 'info', destination }).child({ reqId: 'req-1' });
    logRequestCompleted(requestLog, 'debug', ENTRY);
    assert.deepEqual(destination.lines, []);
    logRequestCompleted(createLogger({ level: 'silent', destination }), 'info', ENTRY);
    assert.deepEqual(destination.lines, []);
  });

  it('keeps quotes, control and non-ASCII characters of a path inside its string, in ASCII', () => {
    const destination = capture();
    const path = '/caf\u00e9"\n,"status":1\u2028';
    logRequestCompleted(createLogger({ level: 'info', destination }), 'info', { ...ENTRY, path });
    const line = destination.lines[0] as string;
    assert.match(line, /^[\x00-\x7f]*\n$/);
    const parsed = JSON.parse(line) as Record<string, unknown>;
    assert.equal(parsed.path, path);
    assert.equal(parsed.status, 200);
    assert.equal(parsed.msg, REQUEST_COMPLETED);
  });
});
