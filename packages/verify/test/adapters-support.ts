/**
 * Support for the framework adapter tests: a stand-in issuer on node:http (RFC 8414 metadata and a JWKS, tokens
 * signed with @tollgate/jwt), a raw HTTP client that can send what fetch cannot (two Authorization header lines),
 * and one table of cases every adapter must answer alike.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync, type KeyObject, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { type IncomingMessage, type RequestListener, type Server, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { type AccessTokenClaims, signAccessToken } from '@tollgate/jwt';
import { type Verifier, createVerifier } from '../src/index.js';

export const AUDIENCE = 'https://api.example.com';
export const REALM = 'https://api.example.com';
/** The bare challenge of an API that takes both schemes (RFC 9449 7.2), as every verifier does by default. */
export const BARE_CHALLENGE = `Bearer realm="${REALM}", DPoP realm="${REALM}", algs="ES256 EdDSA"`;

interface Key {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

function newKey(kid: string): Key {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { kid, privateKey, publicKey };
}

export async function listen(listener: RequestListener): Promise<{ server: Server; url: string }> {
  const server = createServer(listener);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

export async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
}

/** The issuer's side: metadata and JWKS over real HTTP, and tokens signed the way the server signs them. */
export class StandInIssuer {
  readonly key = newKey(`kid-${randomUUID()}`);
  /** Same kid, different key: what a forger without the private key would have to use. */
  readonly forgerKey = newKey(this.key.kid);
  issuer = '';
  #server: Server | undefined;

  async start(): Promise<void> {
    const { server, url } = await listen((req, res) => {
      const body = this.#document(req.url ?? '');
      res.writeHead(body === undefined ? 404 : 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body ?? { error: 'not_found' }));
    });
    this.#server = server;
    this.issuer = url;
  }

  async stop(): Promise<void> {
    if (this.#server) await closeServer(this.#server);
  }

  #document(path: string): unknown {
    if (path === '/.well-known/oauth-authorization-server') {
      return { issuer: this.issuer, jwks_uri: `${this.issuer}/.well-known/jwks.json` };
    }
    if (path === '/.well-known/jwks.json') {
      const jwk = this.key.publicKey.export({ format: 'jwk' });
      return { keys: [{ ...jwk, kid: this.key.kid, alg: 'EdDSA', use: 'sig' }] };
    }
    return undefined;
  }

  claims(overrides: Partial<AccessTokenClaims> = {}): AccessTokenClaims {
    const now = Math.floor(Date.now() / 1000);
    return {
      iss: this.issuer,
      sub: 'usr_alice',
      aud: AUDIENCE,
      iat: now,
      exp: now + 300,
      jti: `at_${randomUUID()}`,
      client_id: 'cli_app',
      scope: 'read:data',
      ...overrides,
    };
  }

  token(overrides: Partial<AccessTokenClaims> = {}): Promise<string> {
    return signAccessToken(this.claims(overrides), {
      kid: this.key.kid,
      alg: 'EdDSA',
      privateKey: this.key.privateKey,
    });
  }

  forgedToken(): Promise<string> {
    const { kid, privateKey } = this.forgerKey;
    return signAccessToken(this.claims(), { kid, alg: 'EdDSA', privateKey });
  }

  verifier(): Verifier {
    return createVerifier({ issuer: this.issuer, audience: AUDIENCE });
  }
}

export interface RawResponse {
  status: number;
  headers: IncomingMessage['headers'];
  body: string;
}

/** node:http sends each value of an array as its own header line, which fetch cannot do. */
export function rawGet(url: string, headers: Record<string, string | string[]> = {}): Promise<RawResponse> {
  return rawRequest('GET', url, headers);
}

export function rawRequest(
  method: string,
  url: string,
  headers: Record<string, string | string[]> = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { method, headers, agent: false }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

/** A protected app under test: `GET /data` needs `read:data` and answers `{ subject }`. */
export type StartApp = (verifier: Verifier) => Promise<{ url: string; close: () => Promise<void> }>;

function assertRefusal(response: RawResponse, status: number, error: string, description?: string): void {
  assert.equal(response.status, status, response.body);
  assert.equal(response.headers['cache-control'], 'no-store');
  const challenge = response.headers['www-authenticate'] ?? '';
  assert.ok(challenge.startsWith(`Bearer realm="${REALM}", error="${error}"`), challenge);
  const body = JSON.parse(response.body) as { error: string; error_description?: string };
  assert.equal(body.error, error);
  assert.match(response.headers['content-type'] ?? '', /^application\/json/);
  if (description !== undefined) {
    assert.equal(body.error_description, description);
    assert.ok(challenge.includes(`error_description="${description}"`), challenge);
  }
}

/** The RFC 6750 cases every adapter must answer the same way. */
export function describeAdapter(name: string, startApp: StartApp): void {
  describe(`${name} adapter`, () => {
    const issuer = new StandInIssuer();
    let verifier: Verifier;
    let app: { url: string; close: () => Promise<void> };

    before(async () => {
      await issuer.start();
      verifier = issuer.verifier();
      await verifier.ready();
      app = await startApp(verifier);
    });

    after(async () => {
      await app.close();
      await verifier.close();
      await issuer.stop();
    });

    it('lets a valid token with the scope through, with its subject', async () => {
      const response = await rawGet(`${app.url}/data`, { authorization: `Bearer ${await issuer.token()}` });
      assert.equal(response.status, 200, response.body);
      assert.deepEqual(JSON.parse(response.body), { subject: 'usr_alice' });
    });

    it('answers a request without a token with 401 and bare Bearer and DPoP challenges, no error', async () => {
      const response = await rawGet(`${app.url}/data`);
      assert.equal(response.status, 401);
      assert.equal(response.headers['www-authenticate'], BARE_CHALLENGE);
      assert.equal(response.headers['cache-control'], 'no-store');
      assert.equal(response.body, '');
    });

    it('refuses an expired token with 401 invalid_token and says why', async () => {
      const past = Math.floor(Date.now() / 1000) - 3600;
      const expired = await issuer.token({ iat: past - 300, exp: past });
      const response = await rawGet(`${app.url}/data`, { authorization: `Bearer ${expired}` });
      assertRefusal(response, 401, 'invalid_token', 'The access token expired');
    });

    it('refuses a token signed by another key with 401 invalid_token', async () => {
      const response = await rawGet(`${app.url}/data`, { authorization: `Bearer ${await issuer.forgedToken()}` });
      assertRefusal(response, 401, 'invalid_token', 'The access token signature is invalid');
    });

    it('refuses a token without the scope with 403 insufficient_scope naming the scope', async () => {
      const token = await issuer.token({ scope: 'write:data' });
      const response = await rawGet(`${app.url}/data`, { authorization: `Bearer ${token}` });
      assertRefusal(response, 403, 'insufficient_scope');
      assert.ok(response.headers['www-authenticate']?.endsWith('scope="read:data"'));
      assert.equal(JSON.parse(response.body).scope, 'read:data');
    });

    it('refuses two Authorization headers with 400 invalid_request', async () => {
      const token = await issuer.token();
      const response = await rawGet(`${app.url}/data`, { authorization: [`Bearer ${token}`, `Bearer ${token}`] });
      assertRefusal(response, 400, 'invalid_request');
    });

    it('answers another scheme like no credentials: 401 and a bare challenge (RFC 6750 3.1)', async () => {
      for (const authorization of ['Basic dXNlcjpwYXNz', 'Digest username="a", realm="b", nonce="c"', 'Token abc']) {
        const response = await rawGet(`${app.url}/data`, { authorization });
        assert.equal(response.status, 401, authorization);
        assert.equal(response.headers['www-authenticate'], BARE_CHALLENGE);
        assert.equal(response.headers['cache-control'], 'no-store');
        assert.equal(response.body, '');
      }
    });

    it('refuses a malformed Bearer header and another scheme beside a second header with 400', async () => {
      for (const authorization of ['Bearer', 'Bearer a b', 'Bearer a!', ['Basic dXNlcjpwYXNz', 'Bearer abc']]) {
        assertRefusal(await rawGet(`${app.url}/data`, { authorization }), 400, 'invalid_request');
      }
    });

    it('refuses a token in the query string with 400 invalid_request (RFC 6750 2.3, not enabled)', async () => {
      const response = await rawGet(`${app.url}/data?access_token=${await issuer.token()}`);
      assertRefusal(response, 400, 'invalid_request');
    });
  });
}

/** Serves a fetch-style handler on node:http, keeping repeated request headers as a fetch runtime would. */
export function serveFetch(handler: (request: Request) => Response | Promise<Response>): RequestListener {
  return (req, res) => {
    const headers = new Headers();
    for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
      headers.append(req.rawHeaders[i] as string, req.rawHeaders[i + 1] as string);
    }
    const incoming = new Request(`http://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`, {
      method: req.method ?? 'GET',
      headers,
    });
    Promise.resolve(handler(incoming))
      .then(async (response) => {
        const outgoing: Record<string, string> = {};
        response.headers.forEach((value, name) => {
          outgoing[name] = value;
        });
        res.writeHead(response.status, outgoing);
        res.end(Buffer.from(await response.arrayBuffer()));
      })
      .catch((error: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(error));
      });
  };
}
