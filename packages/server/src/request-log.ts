/**
 * The "request completed" line every answer writes (app.ts's onResponse hook): method, route pattern (or the path
 * without its query string when no route matched), status, time and remote address; never a header, the query or
 * the body. It is the line pino would write for `request.log.info({ method, path, ... }, 'request completed')`,
 * written by hand with @tollgate/transport's log-line.ts (the gateway's access line uses the same pieces): through
 * pino (its object walk, the redaction formatter, the serializers) it was 7.5 % of the token endpoint's CPU in a
 * profile, the largest share of ours after the signature.
 *
 * Redaction holds as before: the members are this fixed list, none named like a credential (logging.ts's
 * redactSecrets let them through unchanged), and the bindings are those pino serialised when request.log was made.
 */
import { jsonString, lineEnd, lineStart } from '@tollgate/transport';
import type { FastifyBaseLogger } from 'fastify';
import { type DestinationStream, type Logger, pino } from 'pino';
import { REQUEST_COMPLETED } from './log-destination.js';

export interface CompletedRequest {
  method: string;
  /** The route pattern, or the path without the query string. */
  path: string;
  status: number;
  responseTimeMs: number;
  remoteAddress: string | undefined;
}

const LINE_END = lineEnd(REQUEST_COMPLETED);

type PinoInternals = Record<symbol, unknown>;

/**
 * Writes the line at `level` if `requestLog` has that level on. It is a pino logger: the app is built on one
 * (buildApp's `loggerInstance`), and Fastify makes each request's as its child.
 */
export function logRequestCompleted(
  requestLog: FastifyBaseLogger,
  level: 'info' | 'debug',
  entry: CompletedRequest,
): void {
  const log = requestLog as Logger;
  if (!log.isLevelEnabled(level)) return;
  const internals = log as unknown as PinoInternals;
  const stream = internals[pino.symbols.streamSym] as DestinationStream & PinoInternals;
  // A multistream wants the line's level and object beside it (pino sets them before writing): let pino write it.
  if (stream[pino.symbols.needsMetadataGsym] === true) {
    log[level](entry, REQUEST_COMPLETED);
    return;
  }
  const levelValue = log.levels.values[level] as number;
  let line = lineStart(levelValue, internals[pino.symbols.chindingsSym] as string);
  line += `,"method":${jsonString(entry.method)},"path":${jsonString(entry.path)}`;
  line += `,"status":${entry.status},"responseTimeMs":${entry.responseTimeMs}`;
  if (entry.remoteAddress !== undefined) line += `,"remoteAddress":${jsonString(entry.remoteAddress)}`;
  stream.write(line + LINE_END);
}
