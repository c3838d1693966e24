import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { headerPolicy, headerSafe, responseHeadersFrom, scanRequestHeaders } from '../src/headers.js';

const policy = headerPolicy({ subject: 'X-User', client: 'X-Tollgate-Client', scopes: 'X-Tollgate-Scopes' }, false);

describe('request headers', () => {
  it('keeps end-to-end headers in order and drops hop-by-hop, Connection-named, identity and Authorization', () => {
    const scanned = scanRequestHeaders(
      [
        'Host',
        'api.example',
        'Accept',
        'a/b',
        'Connection',
        'X-Hop, close',
        'X-Hop',
        '1',
        'TE',
        'trailers',
        'x-user',
        'spoof',
        'X-Tollgate-Anything',
        'spoof',
        'Authorization',
        'Bearer t',
        'Expect',
        '100-continue',
        'Content-Length',
        '12',
        'X-Forwarded-For',
        '6.6.6.6',
        'Cookie',
        'c=1',
      ],
      policy,
      false,
    );
    assert.deepEqual(scanned.forward, ['Accept', 'a/b', 'Content-Length', '12', 'Cookie', 'c=1']);
    assert.deepEqual(scanned.authorization, ['Bearer t']);
    assert.equal(scanned.host, 'api.example');
    assert.equal(scanned.forwardedFor, undefined, 'an untrusted peer cannot start the X-Forwarded-For chain');
    assert.equal(scanned.hasBody, true);
  });

  it('extends the forwarding chain of a trusted proxy', () => {
    const scanned = scanRequestHeaders(
      ['X-Forwarded-For', '1.1.1.1', 'X-Forwarded-For', '2.2.2.2', 'X-Forwarded-Proto', 'https'],
      policy,
      true,
    );
    assert.equal(scanned.forwardedFor, '1.1.1.1, 2.2.2.2');
    assert.equal(scanned.forwardedProto, 'https');
    assert.equal(scanned.hasBody, false);
  });
});

describe('response headers', () => {
  it('drops hop-by-hop and Connection-named headers and keeps repeated ones', () => {
    const kept = responseHeadersFrom([
      'Content-Type',
      'text/plain',
      'Connection',
      'keep-alive, X-Internal',
      'Keep-Alive',
      'timeout=5',
      'X-Internal',
      'secret',
      'Set-Cookie',
      'a=1',
      'Set-Cookie',
      'b=2',
      'Transfer-Encoding',
      'chunked',
    ]);
    assert.deepEqual(kept, ['Content-Type', 'text/plain', 'Set-Cookie', 'a=1', 'Set-Cookie', 'b=2']);
  });
});

describe('headerSafe', () => {
  it('passes visible ASCII through and percent-encodes anything that could break or blur a header', () => {
    assert.equal(headerSafe('user-42 read:data'), 'user-42 read:data');
    assert.equal(headerSafe('José'), 'Jos%C3%A9');
    assert.equal(headerSafe('a\r\nX-Injected: 1'), 'a%0D%0AX-Injected: 1');
    assert.equal(headerSafe('100%'), '100%25', 'a literal % is encoded so decoding is unambiguous');
  });
});
