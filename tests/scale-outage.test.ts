/**
 * PostgreSQL going away under a running server, on a private cluster the test stops and starts: the
 * database-bound endpoints answer 503 `temporarily_unavailable` within seconds (never a 500 or a hang),
 * /readyz drops out, the JWKS and metadata keep being served from memory, and once PostgreSQL is back
 * everything works again without restarting the server.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type HttpResult, postForm, postJson, request } from './support/http.js';
import { firstUnavailable } from './support/outage.js';
import { type PrivatePostgres, privatePostgresSkipReason, startPrivatePostgres } from './support/private-postgres.js';
import { seedStandard, type StandardSeed } from './support/seed.js';
import { assertActive, clientCredentialsToken } from './support/tokens.js';
import { startTollgate, type TollgateProcess } from './support/tollgate.js';
import { waitUntil } from './support/wait.js';

const skip = privatePostgresSkipReason();
/** Connection and statement timeouts are 2-3 s; anything slower is a hang as far as a client is concerned. */
const MAX_OUTAGE_ANSWER_MS = 5000;
const UNAVAILABLE = {
  error: 'temporarily_unavailable',
  error_description: 'The database is unavailable; try again shortly',
};

async function timed(what: () => Promise<HttpResult>): Promise<HttpResult & { elapsedMs: number }> {
  const started = Date.now();
  const result = await what();
  return { ...result, elapsedMs: Date.now() - started };
}

async function untilUnavailable(
  send: () => Promise<HttpResult>,
  what: string,
): Promise<HttpResult & { elapsedMs: number }> {
  const { result, requestMs } = await firstUnavailable(send, what, { giveUpMs: MAX_OUTAGE_ANSWER_MS });
  return { ...result, elapsedMs: requestMs };
}

function assertUnavailable(result: HttpResult & { elapsedMs: number }, what: string): void {
  assert.equal(result.status, 503, `${what}: ${result.status} ${result.text}`);
  assert.deepEqual(result.json, UNAVAILABLE, `${what} body`);
  assert.equal(result.headers.get('retry-after'), '2', `${what} Retry-After`);
  assert.ok(result.elapsedMs < MAX_OUTAGE_ANSWER_MS, `${what} took ${result.elapsedMs} ms`);
}

describe('PostgreSQL outage', { skip }, () => {
  let cluster: PrivatePostgres;
  let server: TollgateProcess;
  let seed: StandardSeed;
  let token: string;
  before(async () => {
    cluster = await startPrivatePostgres();
    const url = await cluster.createDatabase('tollgate');
    server = await startTollgate({ env: { DATABASE_URL: url } });
    seed = await seedStandard(server);
    token = (await clientCredentialsToken(server.url, seed.backend, { scope: 'read:data' })).access_token;
  });
  after(async () => {
    await server?.stop();
    await cluster?.destroy();
  });

  it('answers 503 temporarily_unavailable within seconds while PostgreSQL is down, and keeps serving the JWKS', async () => {
    await cluster.stop();
    const tokenRequest = { grant_type: 'client_credentials', scope: 'read:data' };
    // Both need only the catalog (a JWT is introspected without a read), which may answer from memory at first.
    assertUnavailable(
      await untilUnavailable(() => postForm(`${server.url}/token`, tokenRequest, { basic: seed.backend }), '/token'),
      '/token',
    );
    assertUnavailable(
      await untilUnavailable(
        () => postForm(`${server.url}/introspect`, { token }, { basic: seed.backend }),
        '/introspect',
      ),
      '/introspect',
    );
    assertUnavailable(
      await timed(() => postForm(`${server.url}/revoke`, { token }, { basic: seed.backend })),
      '/revoke',
    );
    assertUnavailable(
      await timed(() => postJson(`${server.url}/api/v1/session`, { username: 'alice', password: 'whatever it is' })),
      'admin API sign-in',
    );

    const ready = await timed(() => request(`${server.url}/readyz`));
    assert.equal(ready.status, 503);
    assert.equal((ready.json as { status?: unknown }).status, 'unavailable');
    assert.ok(ready.elapsedMs < 2000, `/readyz took ${ready.elapsedMs} ms`);
    assert.equal((await request(`${server.url}/healthz`)).status, 200, 'liveness must not depend on the database');

    const jwks = await request(`${server.url}/.well-known/jwks.json`);
    assert.equal(jwks.status, 200);
    assert.ok(((jwks.json as { keys?: unknown[] }).keys ?? []).length > 0, 'the JWKS lost its keys');
    assert.equal((await request(`${server.url}/.well-known/oauth-authorization-server`)).status, 200);
    await waitUntil(
      'the key reload loop logging the failure',
      async () => (server.output().includes('reloading signing keys failed') ? true : undefined),
      { timeoutMs: 3000 },
    );
    assert.equal(server.alive(), true);
  });

  it('recovers by itself once PostgreSQL is back: tokens, introspection, readiness and the key reload loop', async () => {
    await cluster.start();
    const { value: issued } = await waitUntil(
      '/token succeeding again',
      async () => {
        const result = await postForm(
          `${server.url}/token`,
          { grant_type: 'client_credentials', scope: 'read:data' },
          { basic: seed.backend },
        );
        return result.status === 200 ? result : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 200 },
    );
    const fresh = (issued.json as { access_token: string }).access_token;
    await assertActive(server.url, seed.backend, fresh, 'a token issued after the outage');
    await assertActive(server.url, seed.backend, token, 'a token issued before the outage');
    assert.equal((await request(`${server.url}/readyz`)).status, 200);
    await waitUntil(
      'the key reload loop reporting it works again',
      async () => (server.output().includes('reloading signing keys works again') ? true : undefined),
      { timeoutMs: 5000 },
    );
    assert.equal(server.alive(), true);
  });
});
