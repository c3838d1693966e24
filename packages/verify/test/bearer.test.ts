import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BearerError, type BearerRequest, extractBearerToken } from '../src/index.js';

const TOKEN = 'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';

function refusal(request: BearerRequest, allowQueryToken = false): BearerError {
  try {
    extractBearerToken(request, { allowQueryToken });
  } catch (error) {
    assert.ok(error instanceof BearerError);
    return error;
  }
  assert.fail('expected a refusal');
}

function assertInvalidRequest(request: BearerRequest, allowQueryToken = false): BearerError {
  const error = refusal(request, allowQueryToken);
  assert.equal(error.status, 400);
  assert.equal(error.error, 'invalid_request');
  return error;
}

describe('extractBearerToken (RFC 6750 2.1)', () => {
  it('returns the token of "Bearer <b64token>"', () => {
    assert.equal(extractBearerToken({ headers: { authorization: `Bearer ${TOKEN}` } }), TOKEN);
  });

  it('takes the scheme case-insensitively', () => {
    for (const scheme of ['bearer', 'BEARER', 'bEaReR']) {
      assert.equal(extractBearerToken({ headers: { authorization: `${scheme} ${TOKEN}` } }), TOKEN);
    }
  });

  it('accepts every b64token character and trailing padding', () => {
    const token = 'AZaz09-._~+/==';
    assert.equal(extractBearerToken({ headers: { authorization: `Bearer ${token}` } }), token);
  });

  it('accepts several spaces after the scheme (1*SP)', () => {
    assert.equal(extractBearerToken({ headers: { authorization: `Bearer   ${TOKEN}` } }), TOKEN);
  });

  it('reads a fetch Headers object', () => {
    assert.equal(extractBearerToken({ headers: new Headers({ authorization: `Bearer ${TOKEN}` }) }), TOKEN);
  });

  it('finds the header whatever the case of its name in a plain object', () => {
    assert.equal(extractBearerToken({ headers: { Authorization: `Bearer ${TOKEN}` } }), TOKEN);
  });

  it('answers a request with no credentials with a bare 401 challenge and no error code', () => {
    for (const headers of [{}, new Headers(), { authorization: undefined }]) {
      const error = refusal({ headers });
      assert.equal(error.status, 401);
      assert.equal(error.error, undefined);
      assert.equal(error.description, undefined);
      assert.equal(error.code, 'ERR_BEARER_MISSING');
    }
  });

  const malformed: Record<string, string> = {
    'a scheme glued to the token': `Bearer${TOKEN}`,
    'two tokens': `Bearer ${TOKEN} ${TOKEN}`,
    'a comma-joined second header': `Bearer ${TOKEN}, Bearer ${TOKEN}`,
    'a character outside b64token': `Bearer ${TOKEN}!`,
    'a quote': `Bearer "${TOKEN}"`,
    'padding in the middle': 'Bearer abc=def',
    'only padding': 'Bearer ===',
    'a tab instead of a space': `Bearer\t${TOKEN}`,
    'a trailing space': `Bearer ${TOKEN} `,
    'a leading space': ` Bearer ${TOKEN}`,
    'the scheme alone': 'Bearer',
    'the scheme and a space': 'Bearer ',
    'an empty value': '',
    'a non-ASCII character': `Bearer ${TOKEN}é`,
    'a newline': `Bearer ${TOKEN}\nX-Injected: 1`,
  };
  for (const [name, value] of Object.entries(malformed)) {
    it(`refuses ${name} with 400 invalid_request`, () => {
      const error = assertInvalidRequest({ headers: { authorization: value } });
      assert.ok(!error.message.includes(TOKEN.slice(0, 12)), 'the message quotes the token');
    });
  }

  const otherSchemes: Record<string, string> = {
    Basic: 'Basic dXNlcjpwYXNz',
    'Basic in lower case': 'basic dXNlcjpwYXNz',
    'Digest with auth-params': 'Digest username="alice", realm="api, v2", nonce="abc", response="def"',
    Token: `Token ${TOKEN}`,
    'a scheme alone': 'Negotiate',
  };
  for (const [name, value] of Object.entries(otherSchemes)) {
    it(`answers another scheme (${name}) like no credentials: 401, bare challenge (RFC 6750 3.1)`, () => {
      for (const headers of [
        { authorization: value },
        { authorization: [value] },
        new Headers({ authorization: value }),
      ]) {
        const error = refusal({ headers });
        assert.equal(error.status, 401);
        assert.equal(error.error, undefined);
        assert.equal(error.description, undefined);
        assert.equal(error.code, 'ERR_BEARER_OTHER_SCHEME');
        assert.equal(error.challenge('api'), 'Bearer realm="api"');
      }
    });
  }

  it('still refuses another scheme next to a second Authorization header', () => {
    assertInvalidRequest({ headers: { authorization: ['Basic dXNlcjpwYXNz', `Bearer ${TOKEN}`] } });
    for (const [first, second] of [
      ['Basic dXNlcjpwYXNz', `Bearer ${TOKEN}`],
      ['Digest username="a", realm="b"', 'Basic dXNlcjpwYXNz'],
    ]) {
      const headers = new Headers();
      headers.append('authorization', first as string);
      headers.append('authorization', second as string);
      const error = assertInvalidRequest({ headers });
      assert.match(error.description ?? '', /more than one Authorization header/);
    }
  });

  it('refuses several Authorization headers given as an array (Node headersDistinct)', () => {
    const error = assertInvalidRequest({ headers: { authorization: [`Bearer ${TOKEN}`, `Bearer ${TOKEN}`] } });
    assert.match(error.description ?? '', /more than one Authorization header/);
  });

  it('refuses several Authorization headers joined by fetch Headers', () => {
    const headers = new Headers();
    headers.append('authorization', `Bearer ${TOKEN}`);
    headers.append('authorization', `Bearer ${TOKEN}`);
    const error = assertInvalidRequest({ headers });
    assert.match(error.description ?? '', /more than one Authorization header/);
  });

  it('refuses the same header under two spellings of its name', () => {
    assertInvalidRequest({ headers: { authorization: `Bearer ${TOKEN}`, Authorization: `Bearer ${TOKEN}` } });
  });
});

describe('extractBearerToken, query tokens (RFC 6750 2.3)', () => {
  it('refuses a query token unless enabled', () => {
    const error = assertInvalidRequest({ headers: {}, url: `/data?access_token=${TOKEN}` });
    assert.equal(error.description, 'tokens in the query string are not accepted');
    assert.equal(error.code, 'ERR_BEARER_QUERY_REFUSED');
  });

  it('refuses a disabled query token even when a header carries one too', () => {
    const error = assertInvalidRequest({ headers: { authorization: `Bearer ${TOKEN}` }, url: `/d?access_token=x` });
    assert.equal(error.code, 'ERR_BEARER_QUERY_REFUSED');
  });

  it('sees a percent-encoded parameter name', () => {
    assertInvalidRequest({ headers: {}, url: `/data?access%5Ftoken=${TOKEN}` });
  });

  it('ignores the query entirely when it holds no access_token', () => {
    assert.equal(extractBearerToken({ headers: { authorization: `Bearer ${TOKEN}` }, url: '/d?a=1&b=%20' }), TOKEN);
  });

  it('returns the query token when enabled', () => {
    assert.equal(
      extractBearerToken({ headers: {}, url: `/data?x=1&access_token=${TOKEN}#f` }, { allowQueryToken: true }),
      TOKEN,
    );
  });

  it('refuses a token in both the header and the query when enabled', () => {
    const error = assertInvalidRequest(
      { headers: { authorization: `Bearer ${TOKEN}` }, url: `/data?access_token=${TOKEN}` },
      true,
    );
    assert.match(error.description ?? '', /more than one place/);
  });

  it('refuses two access_token parameters and a malformed one', () => {
    assertInvalidRequest({ headers: {}, url: `/data?access_token=${TOKEN}&access_token=${TOKEN}` }, true);
    assertInvalidRequest({ headers: {}, url: '/data?access_token=a%20b' }, true);
    assertInvalidRequest({ headers: {}, url: '/data?access_token=' }, true);
  });
});
