/**
 * Request bodies and query strings of the admin API, checked against zod schemas. A refused input answers
 * `400 invalid_request` whose description names the field and what is wrong with it, so a script's author can
 * fix the call without reading the server log.
 */
import { InvalidRequest } from '@tollgate/core';
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';

type Issue = z.core.$ZodIssue;

/** Where an input came from, for the description of a problem at its root. */
export type InputKind = 'body' | 'query string';

export function parseInput<Schema extends z.ZodType>(
  schema: Schema,
  value: unknown,
  kind: InputKind,
): z.output<Schema> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new InvalidRequest(issue === undefined ? `The ${kind} is invalid` : describeIssue(issue, value, kind));
}

export function describeIssue(issue: Issue, input: unknown, kind: InputKind): string {
  const field = fieldName(issue.path, kind);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const where = issue.path.length === 0 ? '' : ` in ${field}`;
      return `Unknown field${issue.keys.length > 1 ? 's' : ''}${where}: ${issue.keys.join(', ')}`;
    }
    case 'invalid_type': {
      const value = valueAt(input, issue.path);
      if (value === undefined) {
        return issue.path.length === 0 ? `The ${kind} must be a JSON object` : `${field} is required`;
      }
      if (kind === 'query string' && Array.isArray(value)) return `${field} must be given only once`;
      return `${field} must be ${EXPECTED[issue.expected] ?? issue.expected}`;
    }
    case 'invalid_value':
      return `${field} must be one of ${issue.values.map(String).join(', ')}`;
    case 'too_small':
      return `${field} ${bound('at least', issue.origin, issue.minimum)}`;
    case 'too_big':
      return `${field} ${bound('at most', issue.origin, issue.maximum)}`;
    default:
      return `${field} ${issue.message}`;
  }
}

const EXPECTED: Readonly<Record<string, string>> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  array: 'an array',
  object: 'an object',
  record: 'a JSON object',
  null: 'null',
};

function bound(which: string, origin: string, limit: number | bigint): string {
  if (origin === 'string')
    return Number(limit) === 1 && which === 'at least'
      ? 'must not be empty'
      : `must be ${which} ${limit} characters long`;
  if (origin === 'array')
    return Number(limit) === 1 && which === 'at least' ? 'must not be empty' : `must have ${which} ${limit} entries`;
  return `must be ${which} ${limit}`;
}

function fieldName(path: readonly PropertyKey[], kind: InputKind): string {
  if (path.length === 0) return `The ${kind}`;
  return path
    .map((part, index) => (typeof part === 'number' ? `[${part}]` : `${index === 0 ? '' : '.'}${String(part)}`))
    .join('');
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let node = input;
  for (const part of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<PropertyKey, unknown>)[part];
  }
  return node;
}

/**
 * The admin API takes JSON and nothing else (docs/admin-api.md): a form post, the shape a cross-site page can send
 * without CORS, is refused as an unsupported media type. An empty body counts as no body.
 */
export function registerJsonOnlyBodyParser(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = body as string;
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    try {
      done(null, JSON.parse(text));
    } catch {
      done(new InvalidRequest('The JSON body is malformed'), undefined);
    }
  });
}
