/**
 * A Tollgate stand-in that also knows API tokens: the FakeIssuer (metadata, JWKS, revocation stream) plus RFC 7662
 * introspection and the `api_token_usage_endpoint`, both client-authenticated (client_secret_basic) like the real
 * server. Tests issue tokens by giving their introspection answer, and read back what the verifier sent.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { generateApiToken } from '@tollgate/jwt';
import { decodeBasic, FakeIssuer } from './fake-issuer.js';
import { CLIENT } from './harness.js';
import { AUDIENCE, makeKey } from './support.js';

export interface ReceivedReport {
  jti: string;
  api: string;
  count: number;
  lastUsedAt: number;
  address?: string;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function isClient(request: IncomingMessage): boolean {
  const credentials = decodeBasic(request.headers.authorization);
  return credentials?.id === CLIENT.clientId && credentials.secret === CLIENT.clientSecret;
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

export class ApiTokenIssuer {
  readonly fake: FakeIssuer;
  /** The introspection answer per token; a token not in here is inactive. */
  readonly answers = new Map<string, Record<string, unknown>>();
  /** Every introspection request: which token, and whether it carried our client's credentials. */
  readonly introspections: Array<{ token: string | null; authorized: boolean; contentType: string | undefined }> = [];
  /** Every usage request's reports (authorized ones only; others are counted in refusedUsage). */
  readonly usageBatches: ReceivedReport[][] = [];
  /** Batches answered with `usageStatus` when it is a failure. */
  readonly failedUsageBatches: ReceivedReport[][] = [];
  refusedUsage = 0;
  /** Set to 500 (or any non-200) to make introspection fail. */
  introspectionStatus = 200;
  /** Set to a non-2xx status to make usage reporting fail. */
  usageStatus = 204;

  private constructor(fake: FakeIssuer) {
    this.fake = fake;
  }

  static async start(options: { withUsageEndpoint?: boolean } = {}): Promise<ApiTokenIssuer> {
    let self: ApiTokenIssuer | undefined;
    const fake = await FakeIssuer.start({
      keys: [makeKey()],
      client: CLIENT,
      extraMetadata: (issuer) => ({
        introspection_endpoint: `${issuer}/introspect`,
        ...(options.withUsageEndpoint === false ? {} : { api_token_usage_endpoint: `${issuer}/api-tokens/usage` }),
      }),
      routes: {
        '/introspect': (request, response) => void self?.introspect(request, response),
        '/api-tokens/usage': (request, response) => void self?.usage(request, response),
      },
    });
    self = new ApiTokenIssuer(fake);
    return self;
  }

  get issuer(): string {
    return this.fake.issuer;
  }

  /** A fresh, well-formed token that introspects as active with these members (RFC 7662 2.2). */
  issue(nowSeconds: number, overrides: Record<string, unknown> = {}): { token: string; jti: string } {
    const token = generateApiToken();
    const jti = `atj_${randomUUID()}`;
    this.answers.set(token, {
      active: true,
      iss: this.issuer,
      sub: 'usr_alice',
      username: 'alice',
      aud: [AUDIENCE],
      client_id: 'cli_tollgate_api_tokens',
      scope: 'read:data write:data',
      token_type: 'Bearer',
      iat: nowSeconds,
      jti,
      ...overrides,
    });
    return { token, jti };
  }

  /** Every report received, flattened. */
  get reports(): ReceivedReport[] {
    return this.usageBatches.flat();
  }

  stop(): Promise<void> {
    return this.fake.stop();
  }

  async introspect(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const form = new URLSearchParams(await readBody(request));
    const authorized = isClient(request);
    this.introspections.push({ token: form.get('token'), authorized, contentType: request.headers['content-type'] });
    if (request.method !== 'POST' || !authorized) return json(response, 401, { error: 'invalid_client' });
    if (this.introspectionStatus !== 200) return json(response, this.introspectionStatus, { error: 'server_error' });
    json(response, 200, this.answers.get(form.get('token') ?? '') ?? { active: false });
  }

  async usage(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBody(request);
    if (request.method !== 'POST' || !isClient(request)) {
      this.refusedUsage++;
      return json(response, 401, { error: 'invalid_client' });
    }
    const { reports } = JSON.parse(body) as { reports: ReceivedReport[] };
    if (this.usageStatus >= 300) {
      this.failedUsageBatches.push(reports);
      return json(response, this.usageStatus, { error: 'server_error' });
    }
    this.usageBatches.push(reports);
    response.writeHead(204).end();
  }
}
