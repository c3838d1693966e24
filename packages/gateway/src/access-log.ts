/**
 * One JSON line per request: method, route (the configured prefix), normalised path without the query string,
 * status, latency, subject and client. Never the token: the line is written field by field from this fixed list, so
 * no header, query or claim set can slip in.
 *
 * The line is the one pino would write for `logger.info({ method, ... }, 'request')` (level, time, the logger's
 * bindings, the fields, msg), written without pino (the pieces are @tollgate/transport's log-line.ts, shared with the
 * server's request-completed line): pino's generic path (object walk, redaction, serializers, the stream's byte
 * counting) cost more than the whole line in a profile of the gateway. The gateway's other lines go through pino, to
 * the same stream (@tollgate/transport's log-stream.ts).
 */
import cluster from 'node:cluster';
import { BoundedLogStream, jsonMembers, jsonString, lineEnd, lineStart, sinkFor } from '@tollgate/transport';
import type { VerifiedToken } from '@tollgate/verify';
import { type DestinationStream, type Logger, pino } from 'pino';
import type { LOG_LEVELS } from './config.js';
import type { Route } from './routes.js';
import { countDroppedLogLines, countRequest } from './metrics/gateway-metrics.js';

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

/** Every line says which service wrote it; the workers of `--workers N` share one stdout, so theirs say which process. */
function baseBindings(): Record<string, string | number> {
  return cluster.isWorker ? { service: 'tollgate-gateway', pid: process.pid } : { service: 'tollgate-gateway' };
}

let stdoutStream: BoundedLogStream | undefined;
const DROPPED_LINE_END = lineEnd('log lines dropped: stdout did not keep up');

/** One per process, however many gateways it starts: one writer per file descriptor keeps lines whole. */
function stdoutLogStream(): BoundedLogStream {
  if (stdoutStream !== undefined) return stdoutStream;
  const sink = sinkFor(1);
  const bindings = jsonMembers(baseBindings());
  const stream = new BoundedLogStream({
    sink,
    droppedLine: (count) => `${lineStart(40, bindings)},"droppedLines":${count}${DROPPED_LINE_END}`,
    onDropped: countDroppedLogLines,
  });
  // What is still buffered goes out when the process exits (log-stream.ts says how far it waits for the reader).
  process.once('exit', () => stream.flushSync());
  stdoutStream = stream;
  return stream;
}

export function createGatewayLogger(options: {
  level: (typeof LOG_LEVELS)[number];
  destination?: DestinationStream | undefined;
}): Logger {
  return pino(
    {
      level: options.level,
      base: baseBindings(),
      // The access log never holds these (see above); this is for anything else that might ever log them.
      redact: {
        paths: ['req.headers.authorization', 'headers.authorization', 'authorization', 'token'],
        censor: '[redacted]',
      },
    },
    options.destination ?? stdoutLogStream(),
  );
}

const REQUEST_LINE_END = lineEnd('request');

/** Methods the head cache keeps per route: Node's HTTP parser knows about 35, so this bound is never reached. */
const MAX_CACHED_METHODS = 64;

/** Writes access lines to the logger's stream, at the logger's level (info; warn for 5xx). */
export class AccessLog {
  readonly #logger: Logger;
  readonly #stream: DestinationStream | BoundedLogStream;
  readonly #bindings: string;
  /**
   * `,"method":"GET","route":"/data"` per route and method, made once: the part of a line that only the route and
   * method decide (the line's building showed at 1.6 % of the gateway's main thread with the log on).
   */
  readonly #heads = new WeakMap<Route, Map<string, string>>();

  constructor(logger: Logger, stream: DestinationStream | BoundedLogStream) {
    this.#logger = logger;
    this.#stream = stream;
    // The members pino splices into each of this logger's lines (its base and bindings), exactly as it writes them:
    // logger.bindings() would leave out `pid`.
    this.#bindings = symbolValue<string>(logger, pino.symbols.chindingsSym);
  }

  write(entry: AccessLogEntry): void {
    // Every answer is logged here, so it is counted here too.
    countRequest(entry);
    const level = entry.status >= 500 ? 'warn' : 'info';
    if (!this.#logger.isLevelEnabled(level)) return;
    const line = this.#line(entry, this.#logger.levels.values[level] as number);
    if (this.#stream instanceof BoundedLogStream) this.#stream.writeAscii(line);
    else this.#stream.write(line);
  }

  #line(entry: AccessLogEntry, levelValue: number): string {
    let line = lineStart(levelValue, this.#bindings);
    line += this.#head(entry.method, entry.route);
    const path = entry.path ?? withoutQuery(entry.rawTarget);
    if (path !== undefined) line += `,"path":${jsonString(path)}`;
    line += `,"status":${entry.status},"latencyMs":${Math.round((performance.now() - entry.startedAt) * 10) / 10}`;
    const { token } = entry;
    if (token !== undefined)
      line += `,"subject":${jsonString(token.subject)},"client_id":${jsonString(token.clientId)}`;
    if (entry.mode !== undefined) line += `,"mode":"${entry.mode}"`;
    if (entry.upstreamError !== undefined) line += `,"upstreamError":${jsonString(entry.upstreamError)}`;
    return line + REQUEST_LINE_END;
  }

  /** The method and route members, as `#line` has always written them; cached per route. */
  #head(method: string | undefined, route: Route | undefined): string {
    if (route === undefined || method === undefined) return headMembers(method, route);
    let byMethod = this.#heads.get(route);
    if (byMethod === undefined) {
      byMethod = new Map();
      this.#heads.set(route, byMethod);
    }
    let head = byMethod.get(method);
    if (head === undefined) {
      head = headMembers(method, route);
      if (byMethod.size < MAX_CACHED_METHODS) byMethod.set(method, head);
    }
    return head;
  }
}

function headMembers(method: string | undefined, route: Route | undefined): string {
  let members = method === undefined ? '' : `,"method":${jsonString(method)}`;
  if (route !== undefined) members += `,"route":${jsonString(route.prefix)}`;
  return members;
}

/** Where the lines of `logger` go: the destination it was made with (pino keeps it under a symbol). */
export function streamOf(logger: Logger): DestinationStream {
  return symbolValue<DestinationStream>(logger, pino.symbols.streamSym);
}

function symbolValue<T>(logger: Logger, symbol: symbol): T {
  return (logger as unknown as Record<symbol, T>)[symbol] as T;
}

function withoutQuery(target: string | undefined): string | undefined {
  if (target === undefined) return undefined;
  const end = target.search(/[?#]/);
  return end === -1 ? target : target.slice(0, end);
}
