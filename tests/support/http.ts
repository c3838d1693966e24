/** Plain HTTP helpers over the global fetch, with bounded waits and RFC-shaped assertions. */
import assert from 'node:assert/strict';
import { type IncomingMessage, request as httpRequest } from 'node:http';

export interface HttpResult {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed body when it is JSON, else undefined. */
  json: unknown;
}

export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
}

const REQUEST_TIMEOUT_MS = 15_000;

export async function request(url: string, init: RequestInit = {}): Promise<HttpResult> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) }).catch(
    (error: unknown) => {
      // undici says only "fetch failed"; the cause (ECONNREFUSED: nothing listens; ECONNRESET: it hung up) is the clue.
      const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
      const why = cause === undefined ? '' : ` (${String(cause.code ?? cause.message)})`;
      throw new Error(`${init.method ?? 'GET'} ${url}: ${(error as Error).message}${why}`, { cause: error });
    },
  );
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/**
 * RFC 6749 2.3.1: client id and secret are form-urlencoded before being joined for Basic. Encodes
 * everything but unreserved characters, as application/x-www-form-urlencoded allows.
 */
export function formUrlEncode(value: string): string {
  return encodeURIComponent(value)
    .replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

export function basicAuthorization(clientId: string, clientSecret: string): string {
  return `Basic ${Buffer.from(`${formUrlEncode(clientId)}:${formUrlEncode(clientSecret)}`).toString('base64')}`;
}

export type FormParams = Record<string, string> | Array<[string, string]>;

export interface PostOptions {
  basic?: ClientCredentials;
  headers?: Record<string, string>;
}

export function postForm(url: string, params: FormParams | string, options: PostOptions = {}): Promise<HttpResult> {
  const body = typeof params === 'string' ? params : new URLSearchParams(params).toString();
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', ...options.headers };
  if (options.basic) headers.authorization = basicAuthorization(options.basic.clientId, options.basic.clientSecret);
  return request(url, { method: 'POST', headers, body });
}

export function postJson(url: string, body: unknown, options: PostOptions = {}): Promise<HttpResult> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers };
  if (options.basic) headers.authorization = basicAuthorization(options.basic.clientId, options.basic.clientSecret);
  return request(url, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
}

export function asObject(value: unknown, what = 'body'): Record<string, unknown> {
  assert.ok(
    value !== null && typeof value === 'object' && !Array.isArray(value),
    `${what} is not a JSON object: ${JSON.stringify(value)}`,
  );
  return value as Record<string, unknown>;
}

/** RFC 6749 5.1 / 5.2: token responses and their errors must not be cached. */
export function assertNoStore(result: HttpResult): void {
  const cacheControl = result.headers.get('cache-control') ?? '';
  assert.ok(
    /\bno-store\b/i.test(cacheControl),
    `Cache-Control is "${cacheControl}", expected no-store (status ${result.status})`,
  );
  assert.equal(result.headers.get('pragma'), 'no-cache', `Pragma header missing on status ${result.status}`);
}

/** RFC 6749 5.2: exact status, JSON `error`, a helpful `error_description`, not cacheable. */
export function assertOAuthError(result: HttpResult, status: number, error: string): Record<string, unknown> {
  const context = `status ${result.status}, body ${result.text.slice(0, 500)}`;
  assert.equal(result.status, status, `expected status ${status} (${error}); got ${context}`);
  assert.match(
    result.headers.get('content-type') ?? '',
    /^application\/json\b/,
    `content-type of an OAuth error; ${context}`,
  );
  const body = asObject(result.json, 'error body');
  assert.equal(body.error, error, `expected error ${error}; got ${context}`);
  assert.equal(typeof body.error_description, 'string', `error_description missing; ${context}`);
  assert.ok((body.error_description as string).length > 0, 'error_description is empty');
  assertNoStore(result);
  return body;
}

export interface TokenBody {
  access_token: string;
  token_type: string;
  expires_in: number;
  refresh_token?: string;
  scope: string;
}

/** A 200 token response (RFC 6749 5.1), checked field by field; `DPoP` for a token bound to a key (RFC 9449 5.1). */
export function assertTokenResponse(result: HttpResult, tokenType: 'Bearer' | 'DPoP' = 'Bearer'): TokenBody {
  assert.equal(result.status, 200, `expected a token; got status ${result.status}, body ${result.text.slice(0, 500)}`);
  assertNoStore(result);
  const body = asObject(result.json, 'token response');
  assert.equal(typeof body.access_token, 'string');
  assert.equal(body.token_type, tokenType);
  assert.ok(
    Number.isInteger(body.expires_in) && (body.expires_in as number) > 0,
    `expires_in = ${String(body.expires_in)}`,
  );
  assert.equal(typeof body.scope, 'string');
  if ('refresh_token' in body) assert.equal(typeof body.refresh_token, 'string');
  return body as unknown as TokenBody;
}

/**
 * A POST from a chosen loopback source address (127.0.0.2, 127.0.0.3, ...), so one test can act as
 * several remote addresses against a server listening on 127.0.0.1.
 */
export function postFrom(
  localAddress: string,
  url: string,
  payload: { form: FormParams } | { json: unknown },
  headers: Record<string, string> = {},
): Promise<HttpResult> {
  const body = 'form' in payload ? new URLSearchParams(payload.form).toString() : JSON.stringify(payload.json);
  const type = 'form' in payload ? 'application/x-www-form-urlencoded' : 'application/json';
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      {
        method: 'POST',
        localAddress,
        timeout: REQUEST_TIMEOUT_MS,
        headers: { 'content-type': type, 'content-length': Buffer.byteLength(body), ...headers },
      },
      (res) => readHttpResult(res).then(resolve, reject),
    );
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url} within ${REQUEST_TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** Reads a node:http response whole, into the same shape `request` gives for fetch responses. */
export function readHttpResult(res: IncomingMessage): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    let text = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      text += chunk;
    });
    res.on('error', reject);
    res.on('end', () => {
      const headers = new Headers();
      for (const [name, value] of Object.entries(res.headers)) {
        if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
      }
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      resolve({ status: res.statusCode ?? 0, headers, text, json });
    });
  });
}
