import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { VerifiedToken } from '@tollgate/verify';
import {
  headerPolicy,
  headerSafe,
  identityHeaderMap,
  responseHeadersFrom,
  scanRequestHeaders,
} from '../src/headers.js';
import type { Route } from '../src/routes.js';

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

  it("takes undici's raw Buffers as the bytes came (latin1), a Connection header naming one that came before it", () => {
    const kept = responseHeadersFrom([
      Buffer.from('X-Internal'),
      Buffer.from('secret'),
      Buffer.from('X-Name'),
      Buffer.from([0x4a, 0x6f, 0x73, 0xe9]),
      Buffer.from('CONNECTION'),
      Buffer.from('X-INTERNAL'),
    ]);
    assert.deepEqual(kept, ['X-Name', 'Jos\u00e9']);
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

describe('metadata headers', () => {
  const owner = headerPolicy(
    { subject: 'X-Tollgate-Subject', client: 'X-Tollgate-Client', scopes: 'X-Tollgate-Scopes' },
    false,
    ['X-Customer-Plan', 'X-Customer-Id'],
  );
  const route = {
    forwardMetadata: [
      ['plan', 'X-Customer-Plan'],
      ['missing', 'X-Customer-Missing'],
    ],
    forwardExternalId: 'X-Customer-Id',
  } as unknown as Route;
  const token = (extra: Partial<VerifiedToken>): VerifiedToken => ({
    claims: {} as VerifiedToken['claims'],
    subject: 'usr_1',
    clientId: 'cl_1',
    scopes: ['read'],
    kind: 'api_token',
    ...extra,
  });

  it('drops client copies of the headers routes fill, in any case and spelt with _', () => {
    const scanned = scanRequestHeaders(
      ['X-Customer-Plan', 'forged', 'x_customer_id', 'forged', 'X-Other', 'kept'],
      owner,
      false,
    );
    assert.deepEqual(scanned.forward, ['X-Other', 'kept']);
  });

  it("sends the route's members the token has, percent-encoding what is not visible ASCII, and nothing else", () => {
    const headers = identityHeaderMap(
      owner,
      token({ metadata: { plan: 'prö', seats: 5 }, externalId: 'cus_1' }),
      route,
    );
    assert.deepEqual(headers, {
      'X-Tollgate-Subject': 'usr_1',
      'X-Tollgate-Client': 'cl_1',
      'X-Tollgate-Scopes': 'read',
      'X-Customer-Plan': 'pr%C3%B6',
      'X-Customer-Id': 'cus_1',
    });
    const jwt = identityHeaderMap(owner, token({ kind: 'jwt' }), route);
    assert.deepEqual(Object.keys(jwt), ['X-Tollgate-Subject', 'X-Tollgate-Client', 'X-Tollgate-Scopes']);
  });
});
