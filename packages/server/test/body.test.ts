import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidRequest } from '@tollgate/core';
import { parseFormBody as parseForm, parseJsonBody as parseJson } from '../src/http/body.js';
import { TOKEN_PARAMETERS } from '../src/http/requests.js';

const parseFormBody = (text: string) => parseForm(text, TOKEN_PARAMETERS);
const parseJsonBody = (text: string) => parseJson(text, TOKEN_PARAMETERS);

function refusal(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    assert.ok(error instanceof InvalidRequest, `expected InvalidRequest, got ${String(error)}`);
    return error.description;
  }
  assert.fail('expected the body to be refused');
}

describe('form bodies (RFC 6749 3.2)', () => {
  it('decodes percent-escapes and + as space', () => {
    const { params } = parseFormBody('grant_type=password&username=al%20ice&password=a+b%2Bc');
    assert.equal(params.get('username'), 'al ice');
    assert.equal(params.get('password'), 'a b+c');
  });

  it('refuses a repeated parameter, naming it', () => {
    assert.equal(
      refusal(() => parseFormBody('scope=a&grant_type=x&scope=b')),
      'parameter scope is repeated',
    );
  });

  it('accepts a repeated resource (RFC 8707)', () => {
    const body = parseFormBody('resource=https%3A%2F%2Fa.example&resource=https%3A%2F%2Fb.example&grant_type=x');
    assert.deepEqual(body.resources, ['https://a.example', 'https://b.example']);
    assert.equal(body.params.has('resource'), false);
  });

  it('treats empty values as omitted (RFC 6749 3.1)', () => {
    const { params } = parseFormBody('scope=&grant_type=client_credentials&scope=read');
    assert.equal(params.get('scope'), 'read');
  });

  it('ignores parameters the endpoint does not recognise, even repeated (RFC 6749 3.2)', () => {
    const { params } = parseFormBody('grant_type=password&remember=1&remember=2&x=&username=a');
    assert.deepEqual(
      [...params],
      [
        ['grant_type', 'password'],
        ['username', 'a'],
      ],
    );
  });

  it('refuses a malformed percent-escape', () => {
    assert.match(
      refusal(() => parseFormBody('username=%zz')),
      /malformed/,
    );
  });
});

describe('JSON bodies', () => {
  it('takes an object of strings', () => {
    const { params } = parseJsonBody('{"username":"alice","password":"s3cret"}');
    assert.equal(params.get('username'), 'alice');
    assert.equal(params.get('password'), 's3cret');
  });

  it('accepts resource as a string or an array of strings', () => {
    assert.deepEqual(parseJsonBody('{"resource":"https://a.example"}').resources, ['https://a.example']);
    assert.deepEqual(parseJsonBody('{"resource":["https://a.example","https://b.example"]}').resources, [
      'https://a.example',
      'https://b.example',
    ]);
  });

  it('refuses values that are not strings, naming the parameter', () => {
    assert.equal(
      refusal(() => parseJsonBody('{"username":["a","b"]}')),
      'parameter username must be a string',
    );
    assert.equal(
      refusal(() => parseJsonBody('{"password":123}')),
      'parameter password must be a string',
    );
    assert.equal(
      refusal(() => parseJsonBody('{"scope":{}}')),
      'parameter scope must be a string',
    );
    assert.match(
      refusal(() => parseJsonBody('{"resource":[1]}')),
      /resource must be a string or an array of strings/,
    );
  });

  it('refuses JSON that is not an object', () => {
    for (const text of ['[]', '"x"', '42', 'null']) {
      assert.equal(
        refusal(() => parseJsonBody(text)),
        'The JSON body must be an object',
        text,
      );
    }
  });

  it('refuses malformed JSON', () => {
    assert.equal(
      refusal(() => parseJsonBody('{"username": ')),
      'The JSON body is malformed',
    );
    assert.equal(
      refusal(() => parseJsonBody('')),
      'The JSON body is malformed',
    );
  });

  it('treats empty strings as omitted', () => {
    assert.equal(parseJsonBody('{"scope":""}').params.has('scope'), false);
  });

  it('treats null as omitted (RFC 6749 3.1)', () => {
    const { params, resources } = parseJsonBody('{"scope":null,"resource":null,"username":"a"}');
    assert.deepEqual([...params], [['username', 'a']]);
    assert.deepEqual(resources, []);
  });

  it('ignores members the endpoint does not recognise, of any type (RFC 6749 3.2)', () => {
    const text = '{"username":"a","remember":true,"device":{"id":1},"tags":["x",2],"n":null,"__proto__":{"x":1}}';
    assert.deepEqual([...parseJsonBody(text).params], [['username', 'a']]);
    assert.equal(({} as Record<string, unknown>).x, undefined);
  });

  it('recognises only what it is told to', () => {
    assert.deepEqual([...parseJson('{"token":"t","username":"a"}', new Set(['token'])).params], [['token', 't']]);
  });
});
