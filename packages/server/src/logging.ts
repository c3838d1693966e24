/**
 * Structured JSON logs (pino). Secrets never reach a log line: the Authorization, Cookie, Set-Cookie and
 * X-CSRF-Token headers are redacted by path, and any field named like a credential (session ids and CSRF
 * tokens included) is redacted wherever it appears in a logged object. Requests are logged as method, route path (never the query string), status, time and
 * remote address; bodies are never logged.
 */
import type { IncomingMessage } from 'node:http';
import { type DestinationStream, type Level, type Logger, pino } from 'pino';
import { stdoutLog } from './log-destination.js';

export const REDACTED = '[redacted]';

/** Field names (compared case-insensitively, ignoring `-` and `_`) whose values are credentials. */
const SENSITIVE_FIELDS = new Set(
  [
    'password',
    'client_secret',
    'refresh_token',
    'access_token',
    'token',
    'id_token',
    'secret',
    'authorization',
    'cookie',
    'set-cookie',
    'x-csrf-token',
    'csrf_token',
    'session_id',
    'client_secret_hash',
    'encryption_key',
  ].map(normalizeField),
);

function normalizeField(name: string): string {
  return name.toLowerCase().replace(/[-_]/g, '');
}

/**
 * Verdicts already reached, by field name: every log line runs through redactSecrets, and the request-completed line
 * every request writes has the same few keys, so normalizing each name again was a visible share of the token
 * endpoint's profile. Bounded, since logged objects may carry keys of any name.
 */
const FIELD_VERDICTS = new Map<string, boolean>();
const MAX_FIELD_VERDICTS = 1_000;

export function isSensitiveField(name: string): boolean {
  let sensitive = FIELD_VERDICTS.get(name);
  if (sensitive === undefined) {
    sensitive = SENSITIVE_FIELDS.has(normalizeField(name));
    if (FIELD_VERDICTS.size < MAX_FIELD_VERDICTS) FIELD_VERDICTS.set(name, sensitive);
  }
  return sensitive;
}

const MAX_DEPTH = 8;

/**
 * `value` with every credential-named field replaced; the caller's object is left untouched. What holds nothing to
 * replace is returned as it is (pino only reads it), so the common line costs a walk and no copy.
 */
export function redactSecrets(value: unknown, depth = 0): unknown {
  if (depth > MAX_DEPTH || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    const items = value.map((item) => redactSecrets(item, depth + 1));
    return items.every((item, index) => item === value[index]) ? value : items;
  }
  // Only plain records are walked; errors and class instances go through their serializers.
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return value;
  let copy: Record<string, unknown> | undefined;
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    const child = (value as Record<string, unknown>)[key];
    const redacted = isSensitiveField(key) ? REDACTED : redactSecrets(child, depth + 1);
    if (redacted === child && copy === undefined) continue;
    copy ??= { ...(value as Record<string, unknown>) };
    copy[key] = redacted;
  }
  return copy ?? value;
}

/** The path part of a request URL: the query string may carry anything, so it stays out of logs. */
export function pathOf(url: string | undefined): string {
  if (url === undefined) return '';
  const end = url.search(/[?#]/);
  return end === -1 ? url : url.slice(0, end);
}

function serializeRequest(request: IncomingMessage & { ip?: string }) {
  return {
    method: request.method,
    path: pathOf(request.url),
    remoteAddress: request.ip ?? request.socket?.remoteAddress,
  };
}

function serializeResponse(response: { statusCode?: number }) {
  return { statusCode: response.statusCode };
}

export interface LoggerOptions {
  level: Level | 'silent';
  /** Where lines go; stdout by default (log-destination.ts). Tests pass a stream they capture. */
  destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      base: { service: 'tollgate' },
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers.cookie',
          'req.headers["x-csrf-token"]',
          'res.headers["set-cookie"]',
          'headers.authorization',
          'headers.cookie',
          'headers["set-cookie"]',
          'headers["x-csrf-token"]',
        ],
        censor: REDACTED,
      },
      formatters: { log: (object) => redactSecrets(object) as Record<string, unknown> },
      serializers: { req: serializeRequest, res: serializeResponse, err: pino.stdSerializers.err },
    },
    options.destination ?? stdoutLog(),
  );
}
