import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type SseEvent, SseParser } from '../src/sse.js';

interface Parsed {
  events: SseEvent[];
  retries: number[];
  comments: string[];
}

function parse(chunks: readonly (Uint8Array | string)[], lastEventId?: string): Parsed {
  const parsed: Parsed = { events: [], retries: [], comments: [] };
  const parser = new SseParser(
    {
      onEvent: (event) => parsed.events.push(event),
      onRetry: (ms) => parsed.retries.push(ms),
      onComment: (text) => parsed.comments.push(text),
    },
    lastEventId === undefined ? {} : { lastEventId },
  );
  for (const chunk of chunks) parser.push(chunk);
  parser.end();
  return parsed;
}

/** Every way of cutting the bytes in two, including inside a CRLF and inside a multi-byte character. */
function assertSameAtEverySplit(stream: string, expected: Parsed): void {
  const bytes = Buffer.from(stream, 'utf8');
  assert.deepEqual(parse([bytes]), expected, 'whole stream');
  for (let cut = 1; cut < bytes.length; cut++) {
    assert.deepEqual(parse([bytes.subarray(0, cut), bytes.subarray(cut)]), expected, `split at byte ${cut}`);
  }
  const oneByteChunks = [...bytes].map((byte) => Uint8Array.of(byte));
  assert.deepEqual(parse(oneByteChunks), expected, 'one byte at a time');
}

const TOLLGATE_STREAM = [
  'retry: 1000',
  '',
  'id: 1',
  'event: revoked',
  'data: {"jti":"at_1","exp":1700000300}',
  '',
  'id: 2',
  'event: revoked',
  'data: {"jti":"at_é€😀","exp":1700000300}',
  '',
  'event: ready',
  'data: {}',
  '',
  ': ping',
  '',
];

const TOLLGATE_EVENTS: Parsed = {
  events: [
    { type: 'revoked', data: '{"jti":"at_1","exp":1700000300}', lastEventId: '1' },
    { type: 'revoked', data: '{"jti":"at_é€😀","exp":1700000300}', lastEventId: '2' },
    { type: 'ready', data: '{}', lastEventId: '2' },
  ],
  retries: [1000],
  comments: [' ping'],
};

describe('SseParser', () => {
  it('parses the revocation stream identically at every split point with LF endings', () => {
    assertSameAtEverySplit(`${TOLLGATE_STREAM.join('\n')}\n`, TOLLGATE_EVENTS);
  });

  it('parses the revocation stream identically at every split point with CRLF endings', () => {
    assertSameAtEverySplit(`${TOLLGATE_STREAM.join('\r\n')}\r\n`, TOLLGATE_EVENTS);
  });

  it('parses the revocation stream identically at every split point with CR endings', () => {
    assertSameAtEverySplit(`${TOLLGATE_STREAM.join('\r')}\r`, TOLLGATE_EVENTS);
  });

  it('joins multi-line data with LF and takes the space after the colon only once', () => {
    const parsed = parse(['data: first\ndata:  second\ndata\ndata:third\n\n']);
    assert.deepEqual(parsed.events, [{ type: 'message', data: 'first\n second\n\nthird', lastEventId: '' }]);
  });

  it('dispatches nothing for a blank line without data, even after an event field', () => {
    assert.deepEqual(parse(['event: revoked\n\n\n\n']).events, []);
  });

  it('dispatches an event whose only data line is empty', () => {
    assert.deepEqual(parse(['data\n\n']).events, [{ type: 'message', data: '', lastEventId: '' }]);
  });

  it('keeps the last id for later events, ignores an id with NUL, and starts from a resumed id', () => {
    const parsed = parse(['data: a\n\nid: 7\ndata: b\n\ndata: c\n\nid: x\0y\ndata: d\n\nid\ndata: e\n\n'], '5');
    assert.deepEqual(
      parsed.events.map((event) => event.lastEventId),
      ['5', '7', '7', '7', ''],
    );
  });

  it('takes retry only when it is all digits', () => {
    assert.deepEqual(parse(['retry: 250\nretry: 1e3\nretry: -1\nretry: 10 \nretry\n\n']).retries, [250]);
  });

  it('reports comments and ignores unknown fields', () => {
    const parsed = parse([':hello\n: ping\nfoo: bar\ndata: x\n\n']);
    assert.deepEqual(parsed.comments, ['hello', ' ping']);
    assert.deepEqual(parsed.events, [{ type: 'message', data: 'x', lastEventId: '' }]);
  });

  it('discards an event that the end of the stream cut off', () => {
    assert.deepEqual(parse(['data: complete\n\ndata: cut off\n']).events, [
      { type: 'message', data: 'complete', lastEventId: '' },
    ]);
  });

  it('drops a leading byte order mark', () => {
    assert.deepEqual(parse([Uint8Array.of(0xef, 0xbb, 0xbf), 'data: x\n\n']).events, [
      { type: 'message', data: 'x', lastEventId: '' },
    ]);
  });

  it('treats a field name with a BOM-like or odd character as unknown, not as data', () => {
    assert.deepEqual(parse(['Data: x\n\n', ' data: y\n\n']).events, []);
  });

  it('throws instead of buffering an endless line or event', () => {
    const parser = new SseParser({ onEvent: () => undefined }, { maxEventLength: 100 });
    assert.throws(() => parser.push('data: '.padEnd(200, 'x')), RangeError);
    const other = new SseParser({ onEvent: () => undefined }, { maxEventLength: 100 });
    assert.throws(() => {
      for (let i = 0; i < 20; i++) other.push('data: 0123456789\n');
    }, RangeError);
  });
});
