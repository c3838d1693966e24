/**
 * DPoP (RFC 9449 7) at the gateway: proofs are checked by the SDK for the configured public URL plus the path as the
 * gateway normalised it, each refusal is the exact RFC answer, and the proof never reaches the upstream.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ProofKey } from './support/dpop-client.js';
import { startTestGateway, type TestGateway } from './support/gateway.js';
import { type Reply, send } from './support/http.js';
import { API, startIssuer, type TestIssuer } from './support/issuer.js';
import { startUpstream, type TestUpstream } from './support/upstream.js';

const PUBLIC_URL = 'https://gateway.example.test';
const ALGS = 'algs="ES256 EdDSA"';

function dpopError(error: string, description: string): string {
  return `Bearer realm="${API}", DPoP realm="${API}", error="${error}", error_description="${description}", ${ALGS}`;
}

function assertRefused(reply: Reply, challenge: string): void {
  assert.equal(reply.status, 401, reply.text);
  assert.equal(reply.headers['www-authenticate'], challenge);
}

describe('DPoP at the gateway', () => {
  let issuer: TestIssuer;
  let upstream: TestUpstream;
  let gateway: TestGateway;
  const key = new ProofKey('ES256');

  before(async () => {
    issuer = await startIssuer();
    upstream = await startUpstream();
    gateway = await startTestGateway(issuer.url, {
      publicUrl: PUBLIC_URL,
      routes: [
        { path: '/data', upstream: upstream.url, scopes: ['read:data'] },
        { path: '/strict', upstream: upstream.url, dpop: 'required', dpopNonce: true },
      ],
    });
  });

  after(async () => {
    await gateway.close();
    await Promise.all([issuer.close(), upstream.close()]);
  });

  const bound = (holder: ProofKey = key) => issuer.token({ cnf: { jkt: holder.jkt } });
  const call = (path: string, token: string, proof: string | undefined, headers: Record<string, string> = {}) =>
    send(gateway.url, path, {
      headers: { authorization: `DPoP ${token}`, ...(proof === undefined ? {} : { dpop: proof }), ...headers },
    });

  it('passes a good proof (ES256 and EdDSA) and keeps the DPoP header and the token from the upstream', async () => {
    for (const holder of [key, new ProofKey('EdDSA')]) {
      const token = await bound(holder);
      const before = upstream.received.length;
      const proof = holder.proof({ htm: 'GET', htu: `${PUBLIC_URL}/data/items`, token });
      const reply = await call('/data/items?page=1', token, proof);
      assert.equal(reply.status, 200, reply.text);
      assert.equal(reply.headers['dpop-nonce'], undefined, 'a route without nonces hands none out');
      const received = upstream.received[before];
      assert.equal(received?.path, '/data/items?page=1');
      assert.equal(received?.headers.dpop, undefined);
      assert.equal(received?.headers.authorization, undefined);
      assert.equal(received?.headers['x-tollgate-subject'], 'user-42');
    }
  });

  it('checks htu against the path as normalised, not as sent', async () => {
    const token = await bound();
    const proof = key.proof({ htm: 'GET', htu: `${PUBLIC_URL}/data/items`, token });
    // The gateway collapses `//` (path.ts); URL parsing, and so the proof check on its own, would keep it.
    assert.equal((await call('/data//x/../items', token, proof)).status, 200);
    const asSent = key.proof({ htm: 'GET', htu: `${PUBLIC_URL}/data//items`, token });
    assertRefused(
      await call('/data//items', token, asSent),
      dpopError('invalid_dpop_proof', 'The DPoP proof is for another URI'),
    );
  });

  it('refuses a replayed proof, and never calls the upstream for it', async () => {
    const token = await bound();
    const proof = key.proof({ htm: 'GET', htu: `${PUBLIC_URL}/data`, token });
    assert.equal((await call('/data', token, proof)).status, 200);
    const before = upstream.received.length;
    const replayed = await call('/data', token, proof);
    assertRefused(replayed, dpopError('invalid_dpop_proof', 'The DPoP proof was already used'));
    assert.deepEqual(replayed.json(), {
      error: 'invalid_dpop_proof',
      error_description: 'The DPoP proof was already used',
    });
    assert.equal(upstream.received.length, before);
  });

  it('refuses a proof for another URL or method, without ath, too old, or from another key', async () => {
    const token = await bound();
    const htu = `${PUBLIC_URL}/data`;
    const cases: [string, string, string][] = [
      [
        key.proof({ htm: 'GET', htu: `${PUBLIC_URL}/other`, token }),
        'invalid_dpop_proof',
        'The DPoP proof is for another URI',
      ],
      [key.proof({ htm: 'POST', htu, token }), 'invalid_dpop_proof', 'The DPoP proof is for another HTTP method'],
      [
        key.proof({ htm: 'GET', htu, token: null }),
        'invalid_dpop_proof',
        'The DPoP proof is not for this access token',
      ],
      [
        key.proof({ htm: 'GET', htu, token, iat: Math.floor(Date.now() / 1000) - 120 }),
        'invalid_dpop_proof',
        'The DPoP proof is too old',
      ],
      [new ProofKey().proof({ htm: 'GET', htu, token }), 'invalid_token', 'Invalid DPoP key binding'],
    ];
    for (const [proof, error, description] of cases) {
      assertRefused(await call('/data', token, proof), dpopError(error, description));
    }
  });

  it('ignores a Host and X-Forwarded-* a client sends: the public URL decides', async () => {
    const token = await bound();
    const proof = key.proof({ htm: 'GET', htu: 'https://evil.example/data', token });
    const spoofed = { host: 'evil.example', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' };
    assertRefused(
      await call('/data', token, proof, spoofed),
      dpopError('invalid_dpop_proof', 'The DPoP proof is for another URI'),
    );
  });

  it('refuses a DPoP-bound token sent as Bearer with invalid_token, challenging both schemes', async () => {
    const reply = await send(gateway.url, '/data', { headers: { authorization: `Bearer ${await bound()}` } });
    const description = 'The access token is DPoP-bound and needs a DPoP proof';
    assertRefused(
      reply,
      `Bearer realm="${API}", error="invalid_token", error_description="${description}", DPoP realm="${API}", ${ALGS}`,
    );
  });

  it('on a dpop: required route, answers Bearer with a bare DPoP challenge', async () => {
    const reply = await send(gateway.url, '/strict', { headers: { authorization: `Bearer ${await issuer.token()}` } });
    assertRefused(reply, `DPoP realm="${API}", ${ALGS}`);
    assert.equal(reply.text, '');
  });

  it('on a dpopNonce route, answers use_dpop_nonce with DPoP-Nonce and passes the proof that carries it', async () => {
    const token = await bound();
    const htu = `${PUBLIC_URL}/strict`;
    const first = await call('/strict', token, key.proof({ htm: 'GET', htu, token }));
    const description = 'The DPoP proof must carry a server nonce';
    assertRefused(first, `DPoP realm="${API}", error="use_dpop_nonce", error_description="${description}", ${ALGS}`);
    const nonce = first.headers['dpop-nonce'];
    assert.ok(typeof nonce === 'string' && /^[A-Za-z0-9_-]{43}$/.test(nonce), String(nonce));
    const retried = await call('/strict', token, key.proof({ htm: 'GET', htu, token, nonce }));
    assert.equal(retried.status, 200, retried.text);
    // RFC 9449 8.2: the answer hands out the nonce for the next proof (compared by shape: the slot may have turned).
    assert.match(String(retried.headers['dpop-nonce']), /^[A-Za-z0-9_-]{43}$/);
  });
});

describe('DPoP at the forward-auth endpoint (Traefik)', () => {
  let issuer: TestIssuer;
  let gateway: TestGateway;
  const key = new ProofKey('EdDSA');

  before(async () => {
    issuer = await startIssuer();
    gateway = await startTestGateway(issuer.url, {
      publicUrl: PUBLIC_URL,
      trustProxy: ['127.0.0.1'],
      forwardAuth: { enabled: true, mode: 'traefik' },
      routes: [{ path: '/api', upstream: 'http://127.0.0.1:9' }],
    });
  });

  after(async () => {
    await gateway.close();
    await issuer.close();
  });

  it('checks the proof against the request the proxy names, and refuses its replay', async () => {
    const token = await issuer.token({ cnf: { jkt: key.jkt } });
    const proof = key.proof({ htm: 'POST', htu: `${PUBLIC_URL}/api/items`, token });
    const check = () =>
      send(gateway.url, '/_tollgate/auth', {
        headers: {
          authorization: `DPoP ${token}`,
          dpop: proof,
          'X-Forwarded-Method': 'POST',
          'X-Forwarded-Uri': '/api/items?limit=5',
        },
      });
    const first = await check();
    assert.equal(first.status, 200, first.text);
    assert.equal(first.headers['x-tollgate-subject'], 'user-42');
    assertRefused(await check(), dpopError('invalid_dpop_proof', 'The DPoP proof was already used'));
  });
});

describe('DPoP at a gateway without publicUrl', () => {
  let issuer: TestIssuer;
  let upstream: TestUpstream;
  let gateway: TestGateway;
  const key = new ProofKey();

  before(async () => {
    issuer = await startIssuer();
    upstream = await startUpstream();
    gateway = await startTestGateway(issuer.url, { routes: [{ path: '/data', upstream: upstream.url }] });
  });

  after(async () => {
    await gateway.close();
    await Promise.all([issuer.close(), upstream.close()]);
  });

  it('takes the Host header, and X-Forwarded-Host only from a trusted proxy (none here)', async () => {
    const token = await issuer.token({ cnf: { jkt: key.jkt } });
    const forwarded = { 'x-forwarded-host': 'api.example.test', 'x-forwarded-proto': 'https' };
    const call = (proof: string) =>
      send(gateway.url, '/data', { headers: { authorization: `DPoP ${token}`, dpop: proof, ...forwarded } });
    const forForwarded = key.proof({ htm: 'GET', htu: 'https://api.example.test/data', token });
    assertRefused(await call(forForwarded), dpopError('invalid_dpop_proof', 'The DPoP proof is for another URI'));
    const forHost = key.proof({ htm: 'GET', htu: `${gateway.url}/data`, token });
    assert.equal((await call(forHost)).status, 200);
  });
});

/** A port nothing listens on: taken, then given back. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('the DPoP replay cache of a gateway with redis', () => {
  /** The Redis outage warnings a gateway logs once both its rate-limit connection and any other gave up. */
  async function outageWarnings(routes: unknown[]): Promise<string[]> {
    const issuer = await startIssuer();
    const redis = { url: `redis://127.0.0.1:${await closedPort()}` };
    const gateway = await startTestGateway(issuer.url, { redis, routes });
    try {
      const warnings = () =>
        gateway
          .logs()
          .map((line) => String(line.msg))
          .filter((msg) => msg.includes('Redis unreachable'));
      const deadline = Date.now() + 30_000;
      while (!warnings().some((msg) => msg.startsWith('rate limits'))) {
        assert.ok(Date.now() < deadline, 'the rate limiter never reported Redis unreachable');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return warnings();
    } finally {
      await gateway.close();
      await issuer.close();
    }
  }

  it('is opened for protected routes, and not at all when every route is public', async () => {
    const route = { path: '/data', upstream: 'http://127.0.0.1:9' };
    const isReplayWarning = (msg: string) => msg.startsWith('DPoP replay cache');
    // The replay cache connects before the verifier starts, the rate limiter after: once the rate limiter has given
    // up on Redis, a replay cache that exists has too.
    const protectedWarnings = await outageWarnings([route]);
    assert.ok(protectedWarnings.some(isReplayWarning), protectedWarnings.join('\n'));
    const publicWarnings = await outageWarnings([{ ...route, public: true }]);
    assert.deepEqual(publicWarnings.filter(isReplayWarning), []);
  });
});
