/**
 * One JSON line (pino) per request: method, route (the configured prefix), normalised path without the
 * query string, status, latency, subject and client. Never the token: the entry is built field by field
 * from a fixed list, so no header, query or claim set can slip in; Authorization is redacted as well,
 * should anything ever log request headers.
 */
import cluster from 'node:cluster';
import type { VerifiedToken } from '@tollgate/verify';
import { type DestinationStream, type Logger, pino } from 'pino';
import type { LOG_LEVELS } from './config.js';
import type { Route } from './routes.js';
import { countRequest } from './metrics/gateway-metrics.js';

export interface AccessLogEntry {
  method: string | undefined;
  route: Route | undefined;
  /** The normalised path, or the raw path (query removed) when it could not be normalised. */
  path: string | undefined;
  rawTarget: string | undefined;
  status: number;
  startedAt: number;
  token: VerifiedToken | undefined;
  /** `proxy` (default), `websocket` or `forward_auth`. */
  mode?: 'websocket' | 'forward_auth';
  /** Why an upstream failed (error code), for 502/504. */
  upstreamError?: string;
}

/**
 * Stdout is written in blocks of whole lines once 2 KiB have gathered, or once a second (nginx's `access_log ...
 * buffer= flush=`): one write per line cost a thread-pool round trip per request, more than the rest of the log line.
 * A block never exceeds PIPE_BUF (4 KiB on Linux), the most a pipe writes atomically, so the lines of several workers
 * sharing one stdout never interleave.
 */
const STDOUT_BUFFER_BYTES = 2048;
const STDOUT_BLOCK_MAX_BYTES = 4096;
const STDOUT_FLUSH_INTERVAL_MS = 1_000;

export function createGatewayLogger(options: {
  level: (typeof LOG_LEVELS)[number];
  destination?: DestinationStream | undefined;
}): Logger {
  return pino(
    {
      level: options.level,
      // The workers of `--workers N` write to one stdout: each line says which process served it.
      base: cluster.isWorker ? { service: 'tollgate-gateway', pid: process.pid } : { service: 'tollgate-gateway' },
      redact: {
        paths: ['req.headers.authorization', 'headers.authorization', 'authorization', 'token'],
        censor: '[redacted]',
      },
    },
    // pino writes what is still buffered synchronously when the process exits.
    options.destination ??
      pino.destination({
        dest: 1,
        minLength: STDOUT_BUFFER_BYTES,
        maxWrite: STDOUT_BLOCK_MAX_BYTES,
        periodicFlush: STDOUT_FLUSH_INTERVAL_MS,
      }),
  );
}

export function logAccess(logger: Logger, entry: AccessLogEntry): void {
  // Every answer is logged here, so it is counted here too.
  countRequest(entry);
  const level = entry.status >= 500 ? 'warn' : 'info';
  if (!logger.isLevelEnabled(level)) return;
  const line: Record<string, unknown> = {
    method: entry.method,
    route: entry.route?.prefix,
    path: entry.path ?? withoutQuery(entry.rawTarget),
    status: entry.status,
    latencyMs: Math.round((performance.now() - entry.startedAt) * 10) / 10,
    subject: entry.token?.subject,
    client_id: entry.token?.clientId,
  };
  if (entry.mode !== undefined) line.mode = entry.mode;
  if (entry.upstreamError !== undefined) line.upstreamError = entry.upstreamError;
  logger[level](line, 'request');
}

function withoutQuery(target: string | undefined): string | undefined {
  if (target === undefined) return undefined;
  const end = target.search(/[?#]/);
  return end === -1 ? target : target.slice(0, end);
}
