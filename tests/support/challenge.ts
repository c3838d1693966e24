/**
 * RFC 6750 3 on the wire: parse a `WWW-Authenticate: Bearer ...` challenge (RFC 9110 11.2 auth-params, with
 * quoted-string escapes) and assert a refusal exactly: status, the challenge's attributes and nothing more,
 * the JSON body, and no caching.
 */
import assert from 'node:assert/strict';
import type { HttpResult } from './http.js';

export interface Challenge {
  scheme: string;
  params: Record<string, string>;
  /** What follows this challenge in the same header: the next ones (`DPoP algs="..."`, RFC 9449 7.2), or ''. */
  rest: string;
}

/** A new challenge starts with its scheme: a token followed by a space or the end, not by `=`. */
const NEXT_SCHEME = /^\s*[!#$%&'*+\-.^_`|~0-9A-Za-z]+(?: |$)/;

const PARAM = /^\s*([!#$%&'*+\-.^_`|~0-9A-Za-z]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([!#$%&'*+\-.^_`|~0-9A-Za-z]+))\s*(,|$)/;

export function parseChallenge(header: string): Challenge {
  const space = header.indexOf(' ');
  const scheme = space === -1 ? header : header.slice(0, space);
  let rest = space === -1 ? '' : header.slice(space + 1);
  const params: Record<string, string> = {};
  while (rest.trim() !== '' && !NEXT_SCHEME.test(rest)) {
    const match = PARAM.exec(rest);
    assert.ok(match, `WWW-Authenticate is not a list of auth-params: ${header}`);
    const name = (match[1] as string).toLowerCase();
    assert.ok(!(name in params), `WWW-Authenticate repeats ${name}: ${header}`);
    params[name] = match[2] === undefined ? (match[3] as string) : match[2].replace(/\\(.)/g, '$1');
    rest = rest.slice(match[0].length);
  }
  return { scheme, params, rest: rest.trim() };
}

export interface ExpectedRefusal {
  status: 400 | 401 | 403;
  realm: string;
  /** Undefined: a bare challenge (no token at all), with no error attribute and no body. */
  error?: 'invalid_request' | 'invalid_token' | 'insufficient_scope';
  /** Matched exactly when a string, by pattern when a RegExp; only presence checked when omitted. */
  description?: string | RegExp;
  scope?: string;
}

export function assertBearerRefusal(result: HttpResult, expected: ExpectedRefusal, what = ''): Challenge {
  const context = `${what}: status ${result.status}, WWW-Authenticate ${result.headers.get('www-authenticate')}, body ${result.text.slice(0, 300)}`;
  assert.equal(result.status, expected.status, context);
  const header = result.headers.get('www-authenticate');
  assert.ok(header !== null, `RFC 6750 3: a ${expected.status} carries WWW-Authenticate; ${context}`);
  const challenge = parseChallenge(header);
  assert.equal(challenge.scheme, 'Bearer', context);
  assert.equal(challenge.params.realm, expected.realm, context);
  assert.match(result.headers.get('cache-control') ?? '', /no-store/, `a refusal must not be cached; ${context}`);
  if (expected.error === undefined) {
    assert.deepEqual(
      Object.keys(challenge.params),
      ['realm'],
      `RFC 6750 3.1: no error code without a token; ${context}`,
    );
    return challenge;
  }
  assert.equal(challenge.params.error, expected.error, context);
  const description = challenge.params.error_description;
  assert.equal(typeof description, 'string', `error_description missing; ${context}`);
  if (typeof expected.description === 'string') assert.equal(description, expected.description, context);
  if (expected.description instanceof RegExp) assert.match(description as string, expected.description, context);
  assert.equal(challenge.params.scope, expected.scope, `scope attribute; ${context}`);
  const body = result.json as Record<string, unknown> | undefined;
  assert.equal(body?.error, expected.error, `the JSON body repeats the error; ${context}`);
  return challenge;
}
