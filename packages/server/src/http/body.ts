/**
 * Request bodies of the OAuth endpoints. RFC 6749 (3.2, 4.3.2, 4.4.2) sends parameters as
 * `application/x-www-form-urlencoded`; Tollgate also takes a flat JSON object for the simple login.
 * Both are reduced to the same `RequestParameters`, holding only the parameters the endpoint recognises: RFC 6749
 * 3.2 says the authorization server MUST ignore unrecognized request parameters, so an extra member of any type
 * (`"remember": true`), repeated or not, changes nothing.
 */
import { InvalidRequest } from '@tollgate/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The body parameters an OAuth endpoint recognises; every other one is ignored. */
    parameters?: ReadonlySet<string>;
  }
}

export const FORM = 'application/x-www-form-urlencoded';
export const JSON_TYPE = 'application/json';
export const ACCEPTED_CONTENT_TYPES = [FORM, JSON_TYPE] as const;

/** RFC 8707 2: `resource` may be repeated to name several resources. Every other parameter may not. */
const REPEATABLE = new Set(['resource']);

export interface RequestParameters {
  /** Single-valued parameters, `resource` excluded. */
  params: Map<string, string>;
  /** Every `resource` value, in request order. */
  resources: string[];
}

export function emptyParameters(): RequestParameters {
  return { params: new Map(), resources: [] };
}

type Pair = readonly [name: string, value: string];

/**
 * RFC 6749 3.1: parameters sent without a value are treated as omitted; parameters must not be
 * included more than once.
 */
export function collectParameters(pairs: Iterable<Pair>): RequestParameters {
  const collected = emptyParameters();
  for (const [name, value] of pairs) {
    if (name === '' || value === '') continue;
    if (REPEATABLE.has(name)) {
      collected.resources.push(value);
    } else if (collected.params.has(name)) {
      throw new InvalidRequest(`parameter ${printableName(name)} is repeated`);
    } else {
      collected.params.set(name, value);
    }
  }
  return collected;
}

// A `%` not followed by two hex digits: URLSearchParams would keep it literally, hiding a broken client.
const BAD_PERCENT_ESCAPE = /%(?![0-9a-fA-F]{2})/;

export function parseFormBody(text: string, recognized: ReadonlySet<string>): RequestParameters {
  if (BAD_PERCENT_ESCAPE.test(text)) throw new InvalidRequest('The form body is malformed: invalid percent-encoding');
  const pairs: Pair[] = [];
  for (const pair of new URLSearchParams(text)) if (recognized.has(pair[0])) pairs.push(pair);
  return collectParameters(pairs);
}

/**
 * A JSON object whose recognised members are strings (`resource` may also be an array of strings). `null` means
 * absent, as an empty value does (RFC 6749 3.1); members the endpoint does not recognise are ignored, whatever
 * their type.
 */
export function parseJsonBody(text: string, recognized: ReadonlySet<string>): RequestParameters {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new InvalidRequest('The JSON body is malformed');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidRequest('The JSON body must be an object');
  }
  const pairs: Pair[] = [];
  for (const [name, entry] of Object.entries(value)) {
    if (recognized.has(name) && entry !== null) pairs.push(...jsonValues(name, entry));
  }
  return collectParameters(pairs);
}

function jsonValues(name: string, entry: unknown): Pair[] {
  if (typeof entry === 'string') return [[name, entry]];
  if (REPEATABLE.has(name) && Array.isArray(entry) && entry.every((item) => typeof item === 'string')) {
    return entry.map((item: string) => [name, item] as const);
  }
  const what = REPEATABLE.has(name) ? 'a string or an array of strings' : 'a string';
  throw new InvalidRequest(`parameter ${printableName(name)} must be ${what}`);
}

/** Parameter names are echoed in errors; keep them short and printable. */
function printableName(name: string): string {
  const safe = name.replace(/[^\x21-\x7e]/g, '?');
  return safe.length > 40 ? `${safe.slice(0, 40)}...` : safe;
}

/**
 * Replaces Fastify's body parsers with exactly the two the endpoints accept. A refused content type
 * reaches the error handler as FST_ERR_CTP_INVALID_MEDIA_TYPE.
 */
export function registerBodyParsers(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(FORM, { parseAs: 'string' }, (request, body, done) => {
    try {
      done(null, parseFormBody(body as string, recognizedBy(request)));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  app.addContentTypeParser(JSON_TYPE, { parseAs: 'string' }, (request, body, done) => {
    try {
      done(null, parseJsonBody(body as string, recognizedBy(request)));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
}

const NONE: ReadonlySet<string> = new Set();

/** What the matched route declared; a route that declared nothing reads no body parameters. */
function recognizedBy(request: FastifyRequest): ReadonlySet<string> {
  return request.routeOptions.config?.parameters ?? NONE;
}

/** The parsed body of a request, or no parameters when it had none. */
export function parametersOf(body: unknown): RequestParameters {
  return body instanceof Object && 'params' in body ? (body as RequestParameters) : emptyParameters();
}
