/**
 * Requests fetch cannot make: several `Authorization` header lines in one request (fetch joins them), and
 * request targets sent exactly as written (a URL string would be normalised first: `..`, `%2e`, ...).
 * node:http sends an array value as one header line per element.
 */
import { type OutgoingHttpHeaders, request as httpRequest } from 'node:http';
import { type HttpResult, readHttpResult } from './http.js';

const TIMEOUT_MS = 15_000;

export interface RawOptions {
  method?: string;
  body?: string;
  /** The request target, verbatim. */
  path?: string;
}

export function rawRequest(
  url: string,
  headers: Record<string, string | string[]>,
  options: RawOptions = {},
): Promise<HttpResult> {
  const requestOptions = {
    method: options.method ?? 'GET',
    headers: headers as OutgoingHttpHeaders,
    timeout: TIMEOUT_MS,
    ...(options.path === undefined ? {} : { path: options.path }),
  };
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, requestOptions, (res) => readHttpResult(res).then(resolve, reject));
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url} within ${TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end(options.body);
  });
}
