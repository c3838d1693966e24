/**
 * GET /revocations: the revocation stream, a Tollgate extension advertised in the metadata as
 * `revocation_stream_endpoint`. The verify SDK and the gateway hold it open so a revoked token is refused
 * everywhere within a second while verification stays local.
 *
 * Pipeline: authenticate the confidential client (HTTP Basic, RFC 6749 2.3.1; failures are RFC 6749 5.2
 * JSON like every OAuth endpoint) → read Last-Event-ID → hijack the reply and stream Server-Sent Events:
 *
 *   retry: 1000                                      reconnect after a second
 *   id: <epoch>.<sequence>.<tag> / event: revoked / data: {"jti","exp"}
 *                                                    each live revocation past Last-Event-ID (all without it)
 *   event: ready / data: {}                           the snapshot is complete
 *   ... further `revoked` events as they happen, and `: ping` every 5 s.
 *
 * A ping means "the store was read since the last ping": while the store cannot be read (a database outage) the
 * stream stays open and silent, so a verifier's staleness clock runs (fail-closed verifiers refuse), and the
 * revocations written meanwhile arrive with the first poll that reads again (core revocations/feed.ts), without
 * the client going through its reconnect backoff.
 *
 * A Last-Event-ID that does not provably name an event of the store's current history (another epoch, ahead of
 * the store, a sequence given to another revocation, a purged event, a bare sequence from before epochs) gets
 * a full resync: every live revocation, then the live stream (core revocations/resume.ts).
 *
 * The onRequest hooks (HTTPS policy, HSTS) have run before the handler; the headers they set are carried
 * over, since a hijacked reply skips Fastify's onSend hooks.
 */
import {
  ENDPOINT_PATHS,
  InvalidClient,
  InvalidRequest,
  type PresentedClient,
  parseResumePoint,
  type ResumePlan,
  type ResumePoint,
  RevocationEpochChanged,
  type RevocationFeed,
} from '@tollgate/core';
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { decodeBasicCredentials } from '../http/client-auth.js';
import { EVENT_STREAM_HEADERS, EventStream, type StreamEndReason } from '../http/event-stream.js';
import { registerEndpoint } from '../http/endpoints.js';
import { OpenStreams } from '../http/open-streams.js';

/** What the stream needs of the core. */
export interface RevocationStreamSource {
  authenticateClient(presented: PresentedClient, remoteAddress: string): Promise<{ clientId: string }>;
  readonly revocationFeed: Pick<RevocationFeed, 'subscribe' | 'resumePlan'>;
}

export interface RevocationStreamOptions {
  /** Default 5000. */
  pingIntervalMs?: number;
  /** Default 1 MiB. */
  maxBufferedBytes?: number;
  /** Where the open streams are kept; pass one to read its size (metrics). A fresh one by default. */
  openStreams?: OpenStreams;
}

export const RECONNECT_DELAY_MS = 1000;
const DEFAULT_PING_INTERVAL_MS = 5000;
const DEFAULT_MAX_BUFFERED_BYTES = 1024 * 1024;

export function registerRevocationsRoute(
  app: FastifyInstance,
  source: RevocationStreamSource,
  options: RevocationStreamOptions = {},
): void {
  const openStreams = options.openStreams ?? new OpenStreams();
  // Open streams would otherwise hold app.close() until every client hung up; streams still being
  // authenticated at this point are refused when they get to open (OpenStreams.admit).
  app.addHook('preClose', (done) => {
    openStreams.endAll();
    done();
  });
  const streamOptions = {
    pingIntervalMs: options.pingIntervalMs ?? DEFAULT_PING_INTERVAL_MS,
    maxBufferedBytes: options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES,
  };

  registerEndpoint(app, {
    method: 'GET',
    url: ENDPOINT_PATHS.revocationStream,
    handler: async (request, reply) => {
      const { clientId } = await source.authenticateClient(basicClientOf(request), request.ip);
      const resumePoint = resumePointOf(request);
      if (request.method === 'HEAD') {
        return reply.code(200).header('content-type', EVENT_STREAM_HEADERS['content-type']).send();
      }
      const plan = await source.revocationFeed.resumePlan(resumePoint);
      // After the last await: a shutdown that began meanwhile refuses the stream rather than opening it.
      openStreams.admit();
      streamRevocations(request, reply, { source, clientId, plan, openStreams, ...streamOptions });
      return reply;
    },
  });
}

interface StreamContext {
  source: RevocationStreamSource;
  clientId: string;
  plan: ResumePlan;
  openStreams: OpenStreams;
  pingIntervalMs: number;
  maxBufferedBytes: number;
}

function streamRevocations(request: FastifyRequest, reply: FastifyReply, context: StreamContext): void {
  const log = request.log.child({ clientId: context.clientId });
  const startedAt = Date.now();
  let delivered = 0;
  let unsubscribe = () => {};
  const headers = definedHeaders(reply.getHeaders());
  reply.hijack();
  const freshness = new StoreFreshness(log);
  const shouldPing = () => freshness.readSinceLastPing();
  const stream = new EventStream(reply.raw, { ...context, headers, shouldPing }, (reason: StreamEndReason) => {
    unsubscribe();
    context.openStreams.delete(stream);
    const fields = { reason, delivered, durationMs: Date.now() - startedAt };
    if (reason === 'slow-client') log.warn(fields, 'revocation stream cut: the client reads too slowly');
    else log.info(fields, 'revocation stream closed');
  });
  context.openStreams.add(stream);
  const { plan } = context;
  log.info({ lastEventId: request.headers['last-event-id'], resume: plan.reason }, 'revocation stream opened');
  stream.retry(RECONNECT_DELAY_MS);
  unsubscribe = context.source.revocationFeed.subscribe(
    plan,
    (event) => {
      delivered += 1;
      stream.event('revoked', { jti: event.jti, exp: event.expiresAt }, event.id);
    },
    () => stream.event('ready', {}),
    (error) => {
      if (error instanceof RevocationEpochChanged) log.info('revocation epoch changed; the client will resync');
      else log.error({ err: error }, 'revocation stream failed; the client will reconnect');
      stream.end();
    },
    () => freshness.noteRead(),
  );
  // The client may have gone while the stream was being set up.
  if (!stream.open) unsubscribe();
}

/** Whether the feed read the store between two pings, and a log line when that stops and when it starts again. */
class StoreFreshness {
  readonly #log: FastifyBaseLogger;
  #readSincePing = false;
  #paused = false;

  constructor(log: FastifyBaseLogger) {
    this.#log = log;
  }

  noteRead(): void {
    this.#readSincePing = true;
  }

  readSinceLastPing(): boolean {
    const read = this.#readSincePing;
    this.#readSincePing = false;
    if (read === this.#paused) {
      this.#paused = !read;
      if (read) this.#log.info('revocation stream resumed: the store is read again');
      else this.#log.warn('revocation stream paused: the store could not be read since the last ping');
    }
    return read;
  }
}

/** The stream is for confidential clients only, and a GET has no body: HTTP Basic it is. */
function basicClientOf(request: FastifyRequest): PresentedClient {
  const authorization = request.headers.authorization;
  if (authorization === undefined || authorization === '') {
    throw new InvalidClient('Client authentication is required');
  }
  return { method: 'client_secret_basic', ...decodeBasicCredentials(authorization) };
}

/** Where the client stopped: the `Last-Event-ID` its EventSource sends on reconnect (none on a first connect). */
function resumePointOf(request: FastifyRequest): ResumePoint {
  const header = request.headers['last-event-id'];
  const point = typeof header === 'string' || header === undefined ? parseResumePoint(header) : undefined;
  if (point === undefined) {
    throw new InvalidRequest('Last-Event-ID must be the id of a revocation event this server sent');
  }
  return point;
}

function definedHeaders(headers: Record<string, number | string | string[] | undefined>) {
  const defined: Record<string, number | string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) defined[name] = value;
  return defined;
}
