import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseWwwAuthenticate } from '../src/lib/www-authenticate.js';

const flat = (header: string) =>
  parseWwwAuthenticate(header).map((challenge) => [challenge.scheme, Object.fromEntries(challenge.params)]);

describe('parseWwwAuthenticate (RFC 9110 11.6.1)', () => {
  it('reads an RFC 6750 challenge: quoted values, escapes, case-insensitive names', () => {
    assert.deepEqual(
      flat(
        'Bearer realm="api", ERROR="insufficient_scope", error_description="a \\"quoted\\" word", scope="read:data write:data"',
      ),
      [
        [
          'bearer',
          {
            realm: 'api',
            error: 'insufficient_scope',
            error_description: 'a "quoted" word',
            scope: 'read:data write:data',
          },
        ],
      ],
    );
  });

  it('splits several challenges, joined by fetch with ", ", where a new scheme starts', () => {
    assert.deepEqual(flat('DPoP algs="ES256 EdDSA", error="use_dpop_nonce", Bearer realm="x", Basic realm="y"'), [
      ['dpop', { algs: 'ES256 EdDSA', error: 'use_dpop_nonce' }],
      ['bearer', { realm: 'x' }],
      ['basic', { realm: 'y' }],
    ]);
  });

  it('takes bare schemes, token values, token68 and spaces around "="', () => {
    assert.deepEqual(flat('Bearer, Negotiate YIIB+w==, DPoP error = invalid_token'), [
      ['bearer', {}],
      ['negotiate', {}],
      ['dpop', { error: 'invalid_token' }],
    ]);
  });

  it('keeps the first of a repeated parameter, and what it understood of a broken header', () => {
    assert.deepEqual(flat('Bearer error="invalid_token", error="insufficient_scope"'), [
      ['bearer', { error: 'invalid_token' }],
    ]);
    assert.deepEqual(flat('Bearer error="unterminated'), [['bearer', { error: 'unterminated' }]]);
    assert.deepEqual(parseWwwAuthenticate(null), []);
    assert.deepEqual(parseWwwAuthenticate('"not a scheme"'), []);
  });
});
