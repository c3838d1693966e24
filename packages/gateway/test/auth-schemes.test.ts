/**
 * RFC 6750 3.1: a request whose Authorization header uses another scheme carries no Bearer credentials, so it gets
 * the same bare challenge as a request without any; a malformed Bearer header or several headers stay 400.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestGateway, type TestGateway } from './support/gateway.js';
import { send, sendRaw } from './support/http.js';
import { API, startIssuer, type TestIssuer } from './support/issuer.js';
import { startUpstream, type TestUpstream } from './support/upstream.js';

describe('Authorization schemes other than Bearer at the gateway', () => {
  let issuer: TestIssuer;
  let upstream: TestUpstream;
  let gateway: TestGateway;

  before(async () => {
    issuer = await startIssuer();
    upstream = await startUpstream();
    gateway = await startTestGateway(issuer.url, {
      routes: [{ path: '/data', upstream: upstream.url, scopes: ['read:data'] }],
    });
  });

  after(async () => {
    await gateway.close();
    await Promise.all([issuer.close(), upstream.close()]);
  });

  it('answers Basic, Digest and Token with 401 and a bare Bearer challenge, no error code', async () => {
    const schemes = ['Basic dXNlcjpwYXNz', 'Digest username="alice", realm="api", nonce="n", response="r"', 'Token t'];
    for (const authorization of schemes) {
      const reply = await send(gateway.url, '/data/items', { headers: { authorization } });
      assert.equal(reply.status, 401, authorization);
      assert.equal(reply.headers['www-authenticate'], `Bearer realm="${API}", DPoP realm="${API}", algs="ES256 EdDSA"`);
      assert.equal(reply.text, '');
    }
    assert.equal(upstream.received.length, 0);
  });

  it('keeps 400 invalid_request for a malformed Bearer header and for two headers', async () => {
    for (const authorization of ['Bearer', 'Bearer a b', 'Bearer a!b']) {
      const reply = await send(gateway.url, '/data/items', { headers: { authorization } });
      assert.equal(reply.status, 400, authorization);
      assert.match(String(reply.headers['www-authenticate']), /^Bearer realm="[^"]+", error="invalid_request"/);
    }
    const token = await issuer.token({ scope: 'read:data' });
    const twice = await sendRaw(
      gateway.url,
      `GET /data/items HTTP/1.1\r\nHost: gw\r\nAuthorization: Basic dXNlcjpwYXNz\r\nAuthorization: Bearer ${token}`,
    );
    assert.equal(twice.status, 400);
    assert.equal(twice.json().error, 'invalid_request');
    assert.match(String(twice.json().error_description), /more than one Authorization header/);
    assert.equal(upstream.received.length, 0);
  });
});
