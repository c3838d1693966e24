/**
 * HTTPS when given a certificate, with HSTS on its responses; plain HTTP only on loopback. The client
 * trusts exactly the throwaway certificate, so the test proves the handshake, not a disabled check.
 */
import assert from 'node:assert/strict';
import { request as httpsRequest } from 'node:https';
import { networkInterfaces } from 'node:os';
import { after, before, describe, it } from 'node:test';
import { asObject, request } from './support/http.js';
import { type StandardSeed, seedStandard } from './support/seed.js';
import { makeSelfSignedCertificate, type SelfSignedCertificate } from './support/tls.js';
import { startTollgate, type TollgateProcess } from './support/tollgate.js';

interface HttpsResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

function httpsCall(
  url: string,
  ca: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<HttpsResult> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      url,
      { method: init.method ?? 'GET', headers: init.headers, ca, timeout: 15_000 },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          let body: unknown;
          try {
            body = JSON.parse(text);
          } catch {
            body = text;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url}`)));
    req.on('error', reject);
    req.end(init.body);
  });
}

describe('TLS', () => {
  let certificate: SelfSignedCertificate;
  let server: TollgateProcess;
  let seed: StandardSeed;
  before(async () => {
    certificate = makeSelfSignedCertificate();
    server = await startTollgate({ tls: { certFile: certificate.certFile, keyFile: certificate.keyFile } });
    seed = await seedStandard(server);
  });
  after(async () => {
    await server?.stop();
    certificate?.remove();
  });

  it('listens on https and uses it as the issuer', async () => {
    assert.equal(server.url, `https://127.0.0.1:${server.port}`);
    const result = await httpsCall(`${server.url}/.well-known/oauth-authorization-server`, certificate.certPem);
    assert.equal(result.status, 200);
    const metadata = asObject(result.body);
    assert.equal(metadata.issuer, server.url);
    assert.equal(metadata.token_endpoint, `${server.url}/token`);
  });

  it('sends Strict-Transport-Security on TLS responses, errors included', async () => {
    const ok = await httpsCall(`${server.url}/.well-known/jwks.json`, certificate.certPem);
    assert.match(String(ok.headers['strict-transport-security'] ?? ''), /max-age=\d+/);
    const maxAge = Number(/max-age=(\d+)/.exec(String(ok.headers['strict-transport-security']))?.[1]);
    assert.ok(maxAge >= 86_400, `HSTS max-age ${maxAge} is too short to matter`);
    const error = await httpsCall(`${server.url}/token`, certificate.certPem, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=nope',
    });
    assert.equal(error.status, 400);
    assert.match(String(error.headers['strict-transport-security'] ?? ''), /max-age=\d+/);
  });

  it('issues tokens over https', async () => {
    const result = await httpsCall(`${server.url}/token`, certificate.certPem, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: seed.user.username, password: seed.user.password }),
    });
    assert.equal(result.status, 200, JSON.stringify(result.body));
    assert.equal(typeof asObject(result.body).access_token, 'string');
  });

  it('refuses a client that does not trust the certificate', async () => {
    await assert.rejects(fetch(`${server.url}/.well-known/jwks.json`, { signal: AbortSignal.timeout(10_000) }));
  });

  it('refuses plain http on the TLS port', async () => {
    const plain = server.url.replace('https://', 'http://');
    const outcome = await fetch(`${plain}/.well-known/jwks.json`, { signal: AbortSignal.timeout(10_000) }).then(
      (response) => response.status,
      () => 'refused',
    );
    assert.ok(outcome === 'refused' || outcome === 400, `plain http to the TLS port got ${outcome}`);
  });
});

/** This machine's first non-loopback IPv4 address: connecting to it from here is not loopback traffic. */
function externalAddress(): string | undefined {
  for (const addresses of Object.values(networkInterfaces())) {
    const found = addresses?.find((address) => address.family === 'IPv4' && !address.internal);
    if (found) return found.address;
  }
  return undefined;
}

describe('plain HTTP off loopback', () => {
  const address = externalAddress();
  const skip = address === undefined ? 'this machine has no non-loopback IPv4 address' : false;
  const publicIssuer = ['--host', address ?? '', '--issuer', 'https://auth.example.test'];

  it('refuses plain-HTTP requests from a non-loopback address with 403 and a clear message', { skip }, async () => {
    const server = await startTollgate({ args: publicIssuer });
    try {
      const result = await request(`http://${address}:${server.port}/.well-known/jwks.json`);
      assert.equal(result.status, 403, `${result.status} ${result.text}`);
      const body = asObject(result.json);
      assert.equal(body.error, 'invalid_request');
      assert.match(String(body.error_description), /https/i);
      const token = await request(`http://${address}:${server.port}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'alice', password: 'secret' }),
      });
      assert.equal(token.status, 403, 'a credential sent over plain HTTP from the network is refused');
    } finally {
      await server.stop();
    }
  });

  it('accepts plain HTTP from a trusted proxy only when it forwards X-Forwarded-Proto: https', { skip }, async () => {
    const server = await startTollgate({ args: publicIssuer, config: { trustProxy: [address] } });
    try {
      const url = `http://${address}:${server.port}/.well-known/jwks.json`;
      const forwarded = await request(url, { headers: { 'x-forwarded-proto': 'https' } });
      assert.equal(forwarded.status, 200, `${forwarded.status} ${forwarded.text}`);
      assert.match(forwarded.headers.get('strict-transport-security') ?? '', /max-age=\d+/);
      const plain = await request(url, { headers: { 'x-forwarded-proto': 'http' } });
      assert.equal(plain.status, 403);
    } finally {
      await server.stop();
    }
  });
});
