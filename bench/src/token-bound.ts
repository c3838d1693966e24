/**
 * Child program: the bound of the `peers` token rows, the least a Node server can spend on a client_credentials
 * token. A bare node:http server reads the form body, checks `grant_type` and the one Basic credential it was given
 * (constant time), and answers an RFC 9068 access token (header, claims with a fresh jti, signed with raw
 * node:crypto in the row's algorithm) as an RFC 6749 5.1 response with `Cache-Control: no-store`. No store, no
 * client or API lookup, no scope or resource rules, no log, no metrics: what is left is the HTTP exchange, the
 * JSON and the signature, the part of a token that no server can skip.
 *
 * Usage: node token-bound.js <EdDSA|ES256|RS256> <Authorization header value> <audience>
 */
import { generateKeyPairSync, randomUUID, sign, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import { serveOnLoopback } from './children.js';

const [algorithm = '', authorization = '', audience = ''] = process.argv.slice(2);
const TOKEN_SECONDS = 300;
const ISSUER = 'http://127.0.0.1';

function signingKey() {
  if (algorithm === 'EdDSA') return { key: generateKeyPairSync('ed25519').privateKey, digest: null };
  if (algorithm === 'ES256') {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    return { key: { key: privateKey, dsaEncoding: 'ieee-p1363' as const }, digest: 'sha256' };
  }
  if (algorithm === 'RS256') {
    return { key: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey, digest: 'sha256' };
  }
  throw new TypeError(`token-bound signs with EdDSA, ES256 or RS256, not ${algorithm}`);
}

const { key, digest } = signingKey();
const expected = Buffer.from(authorization, 'latin1');
const encodedHeader = Buffer.from(JSON.stringify({ alg: algorithm, typ: 'at+jwt', kid: 'bound' })).toString(
  'base64url',
);

function accessToken(clientId: string, scope: string): string {
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    iss: ISSUER,
    sub: clientId,
    aud: audience,
    client_id: clientId,
    scope,
    iat: now,
    exp: now + TOKEN_SECONDS,
    jti: randomUUID(),
  };
  const input = `${encodedHeader}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return `${input}.${sign(digest, Buffer.from(input, 'latin1'), key).toString('base64url')}`;
}

function answer(res: import('node:http').ServerResponse, status: number, body: object): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const given = Buffer.from(req.headers.authorization ?? '', 'latin1');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      answer(res, 401, { error: 'invalid_client' });
      return;
    }
    const form = new URLSearchParams(Buffer.concat(chunks).toString('latin1'));
    if (form.get('grant_type') !== 'client_credentials') {
      answer(res, 400, { error: 'unsupported_grant_type' });
      return;
    }
    const scope = form.get('scope') ?? '';
    answer(res, 200, {
      access_token: accessToken('bench-client', scope),
      token_type: 'Bearer',
      expires_in: TOKEN_SECONDS,
      scope,
    });
  });
});
serveOnLoopback(server);
