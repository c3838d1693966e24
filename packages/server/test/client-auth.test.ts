import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidClient, InvalidRequest } from '@tollgate/core';
import { decodeBasicCredentials, presentedClient } from '../src/http/client-auth.js';

const basic = (raw: string) => `Basic ${Buffer.from(raw, 'utf8').toString('base64')}`;
/** RFC 6749 2.3.1 / Appendix B encoding of each part. */
const formEncode = (value: string) => new URLSearchParams({ v: value }).toString().slice(2);

describe('HTTP Basic client credentials (RFC 6749 2.3.1)', () => {
  it('decodes id and secret', () => {
    assert.deepEqual(decodeBasicCredentials(basic('tg_client:s3cret')), {
      clientId: 'tg_client',
      clientSecret: 's3cret',
    });
  });

  it('form-urldecodes each part, so %3A is a colon and + is a space', () => {
    const header = basic(`${formEncode('id:with colon')}:${formEncode('se:cret+plus %')}`);
    assert.deepEqual(decodeBasicCredentials(header), { clientId: 'id:with colon', clientSecret: 'se:cret+plus %' });
    assert.deepEqual(decodeBasicCredentials(basic('a+b:c+d')), { clientId: 'a b', clientSecret: 'c d' });
    assert.deepEqual(decodeBasicCredentials(basic('a%3Ab:c%3Ad')), { clientId: 'a:b', clientSecret: 'c:d' });
  });

  it('keeps raw colons after the first one in the secret', () => {
    assert.deepEqual(decodeBasicCredentials(basic('id:a:b')), { clientId: 'id', clientSecret: 'a:b' });
  });

  it('accepts the scheme name in any case', () => {
    assert.equal(decodeBasicCredentials(`bAsIc ${Buffer.from('id:s').toString('base64')}`).clientId, 'id');
  });

  it('refuses malformed credentials as invalid_client for Basic (so a challenge is sent)', () => {
    for (const header of [
      'Basic',
      'Basic !!!',
      'Basic aWQ',
      basic('no-colon'),
      basic(':secret'),
      basic('%zz:s'),
      'Bearer abc',
    ]) {
      assert.throws(
        () => decodeBasicCredentials(header),
        (error: unknown) => error instanceof InvalidClient,
        header,
      );
    }
  });
});

describe('presented client', () => {
  const params = (entries: Record<string, string>) => new Map(Object.entries(entries));

  it('uses Basic and removes nothing else', () => {
    const result = presentedClient(basic('id:s'), params({ grant_type: 'client_credentials', scope: 'a' }));
    assert.deepEqual(result.client, { method: 'client_secret_basic', clientId: 'id', clientSecret: 's' });
    assert.deepEqual(
      [...result.params],
      [
        ['grant_type', 'client_credentials'],
        ['scope', 'a'],
      ],
    );
  });

  it('uses body credentials as client_secret_post and strips them from the parameters', () => {
    const result = presentedClient(undefined, params({ client_id: 'id', client_secret: 's', grant_type: 'x' }));
    assert.deepEqual(result.client, { method: 'client_secret_post', clientId: 'id', clientSecret: 's' });
    assert.deepEqual([...result.params.keys()], ['grant_type']);
  });

  it('reports a bare client_id as method none', () => {
    assert.deepEqual(presentedClient(undefined, params({ client_id: 'id' })).client, {
      method: 'none',
      clientId: 'id',
    });
    assert.deepEqual(presentedClient(undefined, params({})).client, { method: 'none' });
  });

  it('refuses two authentication methods at once', () => {
    assert.throws(
      () => presentedClient(basic('id:s'), params({ client_id: 'id', client_secret: 's' })),
      InvalidRequest,
    );
    assert.throws(() => presentedClient(basic('id:s'), params({ client_id: 'other' })), InvalidRequest);
  });

  it('tolerates a body client_id that repeats the Basic one', () => {
    const result = presentedClient(basic('id:s'), params({ client_id: 'id' }));
    assert.equal(result.client.method, 'client_secret_basic');
    assert.equal(result.params.has('client_id'), false);
  });

  it('refuses a client_secret without client_id', () => {
    assert.throws(() => presentedClient(undefined, params({ client_secret: 's' })), InvalidRequest);
  });
});
