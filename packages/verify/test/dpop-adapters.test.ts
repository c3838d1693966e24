/**
 * DPoP (RFC 9449 7) through every framework adapter, over real HTTP: each one must hand the verifier the method and
 * the public target URI (publicUrl, never a Host or X-Forwarded-* header a client chose), and write every refusal
 * with the exact WWW-Authenticate (both schemes, the error on the one used) and the DPoP-Nonce header.
 */
import assert from 'node:assert/strict';
import type { RequestListener } from 'node:http';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { tollgate as expressTollgate } from '../src/adapters/express.js';
import { tollgate as fastifyTollgate } from '../src/adapters/fastify.js';
import { createAuthenticator } from '../src/adapters/fetch.js';
import type { ProtectOptions } from '../src/adapters/guard.js';
import { tollgate as honoTollgate } from '../src/adapters/hono.js';
import { protect } from '../src/adapters/node.js';
import type { Verifier } from '../src/index.js';
import {
  BARE_CHALLENGE,
  REALM,
  type RawResponse,
  StandInIssuer,
  closeServer,
  listen,
  rawGet,
  serveFetch,
} from './adapters-support.js';
import { DpopClient } from './dpop-client.js';

type App = { url: string; close: () => Promise<void> };

const PUBLIC_URL = 'https://api.example.com';
const ALGS = 'algs="ES256 EdDSA"';

/**
 * The routes every adapter serves: `/data` (publicUrl, DPoP allowed), `/strict` (publicUrl, DPoP and a nonce
 * required), `/local` (no publicUrl: the framework's own view of the origin).
 */
const ROUTES: Record<string, ProtectOptions> = {
  '/data': { scopes: 'read:data', publicUrl: PUBLIC_URL },
  '/strict': { publicUrl: PUBLIC_URL, dpop: 'required', dpopNonce: true },
  '/local': {},
};

async function serve(listener: RequestListener): Promise<App> {
  const { server, url } = await listen(listener);
  return { url, close: () => closeServer(server) };
}

const ADAPTERS: Record<string, (verifier: Verifier) => Promise<App>> = {
  'node:http': (verifier) => {
    const handlers = new Map(
      Object.entries(ROUTES).map(([path, options]) => [path, protect(verifier, (_req, res) => res.end('ok'), options)]),
    );
    return serve((req, res) => handlers.get(new URL(req.url ?? '/', 'http://x').pathname)?.(req, res));
  },
  Express: (verifier) => {
    const app = express();
    for (const [path, options] of Object.entries(ROUTES)) {
      app.get(path, expressTollgate(verifier, options), (_req, res) => res.send('ok'));
    }
    return serve(app);
  },
  Fastify: async (verifier) => {
    const app = Fastify();
    for (const [path, options] of Object.entries(ROUTES)) {
      app.get(path, { preHandler: fastifyTollgate(verifier, options) }, async () => 'ok');
    }
    return { url: await app.listen({ host: '127.0.0.1', port: 0 }), close: () => app.close() };
  },
  Hono: (verifier) => {
    const app = new Hono();
    for (const [path, options] of Object.entries(ROUTES)) {
      app.get(path, honoTollgate(verifier, options), (c) => c.text('ok'));
    }
    return serve((req, res) => serveFetch((request) => app.fetch(request, { incoming: req }))(req, res));
  },
  fetch: (verifier) => {
    const authenticators = new Map(
      Object.entries(ROUTES).map(([path, options]) => [path, createAuthenticator(verifier, options)]),
    );
    return serve(
      serveFetch(async (request) => {
        const path = new URL(request.url).pathname;
        const authenticate = authenticators.get(path);
        if (authenticate === undefined) return new Response(null, { status: 404 });
        const auth = await authenticate(request);
        if (auth instanceof Response) return auth;
        // The fetch adapter returns the token, not the answer: the app sends the nonce itself.
        const nonce = verifier.dpopNonce({ dpopNonce: ROUTES[path]?.dpopNonce ?? false });
        return new Response('ok', { headers: nonce === undefined ? {} : { 'dpop-nonce': nonce } });
      }),
    );
  },
};

/** The DPoP challenge carrying an error, beside the bare Bearer one (RFC 9449 7.1, 7.2). */
function dpopError(error: string, description: string): string {
  return `Bearer realm="${REALM}", DPoP realm="${REALM}", error="${error}", error_description="${description}", ${ALGS}`;
}

function assertRefused(response: RawResponse, challenge: string): void {
  assert.equal(response.status, 401, response.body);
  assert.equal(response.headers['www-authenticate'], challenge);
  assert.equal(response.headers['cache-control'], 'no-store');
}

for (const [name, start] of Object.entries(ADAPTERS)) {
  describe(`DPoP through the ${name} adapter`, () => {
    const issuer = new StandInIssuer();
    const client = new DpopClient('ES256');
    let verifier: Verifier;
    let app: App;

    before(async () => {
      await issuer.start();
      verifier = issuer.verifier();
      await verifier.ready();
      app = await start(verifier);
    });

    after(async () => {
      await app.close();
      await verifier.close();
      await issuer.stop();
    });

    const boundToken = (holder: DpopClient = client) => issuer.token({ cnf: { jkt: holder.jkt } });
    const send = (path: string, token: string, proof: string | undefined, headers: Record<string, string> = {}) =>
      rawGet(`${app.url}${path}`, {
        authorization: `DPoP ${token}`,
        ...(proof === undefined ? {} : { dpop: proof }),
        ...headers,
      });

    it('accepts a DPoP-bound token with a good proof, ES256 and EdDSA, for the public URL', async () => {
      for (const holder of [client, new DpopClient('EdDSA')]) {
        const token = await boundToken(holder);
        const proof = holder.proof({ method: 'GET', url: `${PUBLIC_URL}/data?page=2`, token });
        const response = await send('/data?page=2', token, proof);
        assert.equal(response.status, 200, response.body);
        assert.equal(response.body, 'ok');
      }
    });

    it('refuses a proof used a second time: invalid_dpop_proof', async () => {
      const token = await boundToken();
      const proof = client.proof({ method: 'GET', url: `${PUBLIC_URL}/data`, token });
      assert.equal((await send('/data', token, proof)).status, 200);
      const replayed = await send('/data', token, proof);
      assertRefused(replayed, dpopError('invalid_dpop_proof', 'The DPoP proof was already used'));
      assert.deepEqual(JSON.parse(replayed.body), {
        error: 'invalid_dpop_proof',
        error_description: 'The DPoP proof was already used',
      });
    });

    it('refuses a proof for another URL, another method, without ath, or too old', async () => {
      const token = await boundToken();
      const cases: [Parameters<DpopClient['proof']>[0], string][] = [
        [{ method: 'GET', url: `${PUBLIC_URL}/other`, token }, 'The DPoP proof is for another URI'],
        [{ method: 'POST', url: `${PUBLIC_URL}/data`, token }, 'The DPoP proof is for another HTTP method'],
        [{ method: 'GET', url: `${PUBLIC_URL}/data`, token, ath: null }, 'The DPoP proof is not for this access token'],
        [
          { method: 'GET', url: `${PUBLIC_URL}/data`, token, iatSeconds: Math.floor(Date.now() / 1000) - 120 },
          'The DPoP proof is too old',
        ],
      ];
      for (const [init, description] of cases) {
        assertRefused(await send('/data', token, client.proof(init)), dpopError('invalid_dpop_proof', description));
      }
    });

    it('refuses a proof signed by another key than the token is bound to: invalid_token (RFC 9449 7.1)', async () => {
      const token = await boundToken();
      const proof = new DpopClient('ES256').proof({ method: 'GET', url: `${PUBLIC_URL}/data`, token });
      assertRefused(await send('/data', token, proof), dpopError('invalid_token', 'Invalid DPoP key binding'));
    });

    it('refuses the DPoP scheme without a proof', async () => {
      assertRefused(
        await send('/data', await boundToken(), undefined),
        dpopError('invalid_dpop_proof', 'A DPoP proof is required'),
      );
    });

    it('refuses a DPoP-bound token sent as a Bearer token, naming both schemes (RFC 9449 7.2)', async () => {
      const response = await rawGet(`${app.url}/data`, { authorization: `Bearer ${await boundToken()}` });
      const description = 'The access token is DPoP-bound and needs a DPoP proof';
      assertRefused(
        response,
        `Bearer realm="${REALM}", error="invalid_token", error_description="${description}", DPoP realm="${REALM}", ${ALGS}`,
      );
    });

    it('checks htu against publicUrl, whatever Host and X-Forwarded-* the client sends', async () => {
      const token = await boundToken();
      const spoofed = { host: 'evil.example', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' };
      const forEvil = client.proof({ method: 'GET', url: 'https://evil.example/data', token });
      assertRefused(
        await send('/data', token, forEvil, spoofed),
        dpopError('invalid_dpop_proof', 'The DPoP proof is for another URI'),
      );
      const forUs = client.proof({ method: 'GET', url: `${PUBLIC_URL}/data`, token });
      assert.equal((await send('/data', token, forUs, spoofed)).status, 200);
    });

    it('without publicUrl, takes the Host header but never an untrusted X-Forwarded-Host', async () => {
      const token = await boundToken();
      const forwarded = { 'x-forwarded-host': 'api.example.com', 'x-forwarded-proto': 'https' };
      const forForwarded = client.proof({ method: 'GET', url: `${PUBLIC_URL}/local`, token });
      assertRefused(
        await send('/local', token, forForwarded, forwarded),
        dpopError('invalid_dpop_proof', 'The DPoP proof is for another URI'),
      );
      const forHost = client.proof({ method: 'GET', url: `${app.url}/local`, token });
      assert.equal((await send('/local', token, forHost, forwarded)).status, 200);
    });

    it('with dpop required, answers a plain bearer token with a bare DPoP challenge', async () => {
      const response = await rawGet(`${app.url}/strict`, { authorization: `Bearer ${await issuer.token()}` });
      assertRefused(response, `DPoP realm="${REALM}", ${ALGS}`);
      assert.equal(response.body, '');
    });

    it('with a nonce required, answers use_dpop_nonce with a DPoP-Nonce, takes the proof that carries it, and sends the next', async () => {
      const token = await boundToken();
      const url = `${PUBLIC_URL}/strict`;
      const first = await send('/strict', token, client.proof({ method: 'GET', url, token }));
      const description = 'The DPoP proof must carry a server nonce';
      assertRefused(
        first,
        `DPoP realm="${REALM}", error="use_dpop_nonce", error_description="${description}", ${ALGS}`,
      );
      const nonce = first.headers['dpop-nonce'];
      assert.ok(typeof nonce === 'string' && /^[A-Za-z0-9_-]{43}$/.test(nonce), String(nonce));
      const retried = await send('/strict', token, client.proof({ method: 'GET', url, token, nonce }));
      assert.equal(retried.status, 200, retried.body);
      // RFC 9449 8.2: the answer carries the nonce for the next proof; /data requires none, so sends none.
      // (The same nonce, unless the 60 s slot turned in between: compared by shape, not value.)
      assert.match(String(retried.headers['dpop-nonce']), /^[A-Za-z0-9_-]{43}$/);
      const data = await send('/data', token, client.proof({ method: 'GET', url: `${PUBLIC_URL}/data`, token }));
      assert.equal(data.status, 200);
      assert.equal(data.headers['dpop-nonce'], undefined);
    });

    it('answers a request without credentials with both bare challenges', async () => {
      assertRefused(await rawGet(`${app.url}/data`), BARE_CHALLENGE);
    });
  });
}
