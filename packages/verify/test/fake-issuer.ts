/**
 * A small but real Tollgate stand-in over node:http on 127.0.0.1: RFC 8414 metadata, a JWKS, and the SSE revocation
 * stream with the server's contract (Basic client auth, `retry`, backlog after Last-Event-ID, `ready`, live events,
 * pings). It counts what it served so tests can check how hard the verifier hits it.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestKey } from './support.js';

export interface Revocation {
  id: number;
  jti: string;
  exp: number;
}

export interface StreamConnection {
  lastEventId: string | undefined;
  authorized: boolean;
}

export interface FakeIssuerOptions {
  keys: TestKey[];
  client?: { clientId: string; clientSecret: string };
  /** What the metadata claims as issuer; defaults to the real one. */
  metadataIssuer?: (issuer: string) => string;
  /** 0 disables pings. Default 5 000, as the real server. */
  pingIntervalMs?: number;
  retryMs?: number;
  /** More metadata members (endpoints of the routes below), given the issuer URL. */
  extraMetadata?: (issuer: string) => Record<string, unknown>;
  /** More endpoints, by exact path: how API-token tests add introspection and usage reporting. */
  routes?: Record<string, (request: IncomingMessage, response: ServerResponse) => void>;
}

/** RFC 6749 2.3.1 decoding, written independently of the SDK's encoder so the test checks it. */
export function decodeBasic(header: string | undefined): { id: string; secret: string } | undefined {
  const match = /^Basic ([A-Za-z0-9+/=]+)$/.exec(header ?? '');
  if (match === null) return undefined;
  const decoded = Buffer.from(match[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) return undefined;
  const formDecode = (value: string) => decodeURIComponent(value.replace(/\+/g, ' '));
  return { id: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
}

export class FakeIssuer {
  keys: TestKey[];
  metadataHits = 0;
  jwksHits = 0;
  readonly connections: StreamConnection[] = [];
  /** Pings written to any stream so far: a test measures elapsed time in pings, not in a fixed sleep. */
  pingsSent = 0;
  readonly revocations: Revocation[] = [];
  readonly #options: FakeIssuerOptions;
  readonly #streams = new Set<ServerResponse>();
  #server: Server;
  #port = 0;

  private constructor(options: FakeIssuerOptions) {
    this.#options = options;
    this.keys = options.keys;
    this.#server = this.#createServer();
  }

  static async start(options: FakeIssuerOptions): Promise<FakeIssuer> {
    const issuer = new FakeIssuer(options);
    await issuer.#listen();
    return issuer;
  }

  get issuer(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  /** The first published key, the one tokens are signed with unless a test says otherwise. */
  get signingKey(): TestKey {
    const [key] = this.keys;
    if (key === undefined) throw new Error('the fake issuer publishes no key');
    return key;
  }

  get openStreams(): number {
    return this.#streams.size;
  }

  /** Records a revocation and pushes it to every open stream, as the server does on POST /revoke. */
  revoke(jti: string, exp: number): Revocation {
    const revocation = { id: this.revocations.length + 1, jti, exp };
    this.revocations.push(revocation);
    for (const stream of this.#streams) stream.write(FakeIssuer.#event(revocation));
    return revocation;
  }

  /** Cuts every stream connection abruptly (a proxy timeout, a server restart). */
  dropStreams(): void {
    for (const stream of this.#streams) stream.destroy();
    this.#streams.clear();
  }

  /** Stops listening and drops every connection: the issuer is down. */
  async stop(): Promise<void> {
    this.dropStreams();
    const closed = once(this.#server, 'close');
    this.#server.close();
    this.#server.closeAllConnections();
    await closed;
  }

  /** Comes back on the same port. */
  async restart(): Promise<void> {
    this.#server = this.#createServer();
    await this.#listen();
  }

  static #event(revocation: Revocation): string {
    const data = JSON.stringify({ jti: revocation.jti, exp: revocation.exp });
    return `id: ${revocation.id}\nevent: revoked\ndata: ${data}\n\n`;
  }

  async #listen(): Promise<void> {
    this.#server.listen(this.#port, '127.0.0.1');
    await once(this.#server, 'listening');
    this.#port = (this.#server.address() as AddressInfo).port;
  }

  #createServer(): Server {
    return createServer((request, response) => {
      if (request.url === '/.well-known/oauth-authorization-server') this.#metadata(response);
      else if (request.url === '/jwks') this.#jwks(response);
      else if (request.url === '/revocations') this.#stream(request, response);
      else {
        const route = this.#options.routes?.[request.url ?? ''];
        if (route === undefined) response.writeHead(404).end();
        else route(request, response);
      }
    });
  }

  #json(response: ServerResponse, status: number, body: unknown): void {
    response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }

  #metadata(response: ServerResponse): void {
    this.metadataHits++;
    const issuer = this.#options.metadataIssuer?.(this.issuer) ?? this.issuer;
    const extra = this.#options.extraMetadata?.(this.issuer) ?? {};
    this.#json(response, 200, {
      issuer,
      jwks_uri: `${this.issuer}/jwks`,
      revocation_stream_endpoint: `${this.issuer}/revocations`,
      ...extra,
    });
  }

  #jwks(response: ServerResponse): void {
    this.jwksHits++;
    const keys = this.keys.map((key) => ({
      ...key.publicKey.export({ format: 'jwk' }),
      kid: key.kid,
      alg: key.alg,
      use: 'sig',
    }));
    this.#json(response, 200, { keys });
  }

  #stream(request: IncomingMessage, response: ServerResponse): void {
    const header = request.headers['last-event-id'];
    const lastEventId = typeof header === 'string' ? header : undefined;
    const credentials = decodeBasic(request.headers.authorization);
    const client = this.#options.client;
    const authorized =
      client !== undefined && credentials?.id === client.clientId && credentials.secret === client.clientSecret;
    this.connections.push({ lastEventId, authorized });
    if (!authorized) {
      this.#json(response, 401, { error: 'invalid_client' });
      return;
    }
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    response.write(`retry: ${this.#options.retryMs ?? 1000}\n\n`);
    const after = Number(lastEventId ?? 0);
    for (const revocation of this.revocations) {
      if (revocation.id > after) response.write(FakeIssuer.#event(revocation));
    }
    response.write('event: ready\ndata: {}\n\n');
    this.#streams.add(response);
    const pingMs = this.#options.pingIntervalMs ?? 5_000;
    const ping =
      pingMs > 0
        ? setInterval(() => {
            response.write(': ping\n\n');
            this.pingsSent += 1;
          }, pingMs)
        : undefined;
    response.on('close', () => {
      clearInterval(ping);
      this.#streams.delete(response);
    });
  }
}
