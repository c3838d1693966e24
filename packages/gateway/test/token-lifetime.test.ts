import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseGatewayConfig } from '../src/index.js';
import { startTestGateway, type TestGateway } from './support/gateway.js';
import { send } from './support/http.js';
import { startIssuer, type TestIssuer } from './support/issuer.js';
import { startUpstream, type TestUpstream } from './support/upstream.js';

describe('the gateway caps the lifetime an access token may claim', () => {
  let issuer: TestIssuer;
  let upstream: TestUpstream;
  let gateway: TestGateway;

  before(async () => {
    issuer = await startIssuer();
    upstream = await startUpstream();
    gateway = await startTestGateway(issuer.url, {
      maxTokenLifetimeSeconds: 600,
      routes: [{ path: '/data', upstream: upstream.url }],
    });
  });
  after(async () => {
    await gateway.close();
    await Promise.all([issuer.close(), upstream.close()]);
  });

  it('passes a token living exactly maxTokenLifetimeSeconds and refuses one a second longer, never reaching the upstream', async () => {
    const now = Math.floor(Date.now() / 1000);
    const within = await issuer.token({ iat: now, exp: now + 600 });
    assert.equal((await send(gateway.url, '/data', { headers: { authorization: `Bearer ${within}` } })).status, 200);
    const before = upstream.received.length;
    const longer = await issuer.token({ iat: now, exp: now + 601 });
    const reply = await send(gateway.url, '/data', { headers: { authorization: `Bearer ${longer}` } });
    assert.equal(reply.status, 401);
    assert.match(String(reply.headers['www-authenticate']), /error="invalid_token"/);
    assert.equal(upstream.received.length, before);
  });

  it('refuses a maxTokenLifetimeSeconds that is not a positive integer, and reads one written as text', () => {
    const input = (maxTokenLifetimeSeconds: unknown) => ({
      issuer: issuer.url,
      maxTokenLifetimeSeconds,
      routes: [{ path: '/', upstream: upstream.url, public: true }],
    });
    for (const bad of [0, -1, 1.5, '1.5', '600s', true]) {
      assert.throws(() => parseGatewayConfig(input(bad)), /^GatewayConfigError: .*: maxTokenLifetimeSeconds: must be/);
    }
    // As in the server's config, where environment variables and flags can only be text.
    assert.equal(parseGatewayConfig(input('600')).maxTokenLifetimeSeconds, 600);
  });
});
