/**
 * PostgreSQL hung rather than gone: every process of a private cluster stopped with SIGSTOP, its connections
 * open and silent. The first queries wait out the read timeout; after that the node treats the database as
 * down and answers 503 temporarily_unavailable with Retry-After at once (not after the 4 s read timeout per
 * request), /readyz says 503, and once the processes run again the node serves within seconds, with no
 * restart. The latency figures belong to the bench; the bounds here only tell "at once" from "after a timeout".
 */
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { after, before, describe, it } from 'node:test';
import { assertOAuthError, type HttpResult, postForm, request } from './support/http.js';
import { firstUnavailable } from './support/outage.js';
import { type PrivatePostgres, privatePostgresSkipReason, startPrivatePostgres } from './support/private-postgres.js';
import { type StandardSeed, seedStandard } from './support/seed.js';
import { clientCredentialsToken } from './support/tokens.js';
import { startTollgate, type TollgateProcess } from './support/tollgate.js';
import { waitUntil } from './support/wait.js';

/** The server's read timeout is 4 s (3 s statement timeout + 1 s); an answer in half that did not wait for one. */
const AT_ONCE_MS = 2_000;
const FAST_REQUESTS = 10;
/** Requests that may wait for a timeout before the node stops waiting: two failures open the circuit. */
const MAX_WAITED = 5;

const skip = privatePostgresSkipReason() || undefined;

function tokenRequest(server: TollgateProcess, seed: StandardSeed): Promise<HttpResult> {
  return postForm(`${server.url}/token`, { grant_type: 'client_credentials' }, { basic: seed.backend });
}

function assertUnavailable(result: HttpResult, what: string): void {
  assertOAuthError(result, 503, 'temporarily_unavailable');
  assert.match(result.headers.get('retry-after') ?? '', /^\d+$/, `${what}: Retry-After (RFC 9110 10.2.3)`);
}

describe('a node whose PostgreSQL hangs', { skip }, () => {
  let postgres: PrivatePostgres;
  let server: TollgateProcess;
  let seed: StandardSeed;

  before(async () => {
    postgres = await startPrivatePostgres();
    const databaseUrl = await postgres.createDatabase('tollgate');
    server = await startTollgate({ env: { DATABASE_URL: databaseUrl } });
    seed = await seedStandard(server);
    await clientCredentialsToken(server.url, seed.backend);
  });
  after(async () => {
    postgres?.thaw();
    await server?.stop();
    await postgres?.destroy();
  });

  it('answers 503 with Retry-After at once after the first timeouts, and /readyz 503', async (t) => {
    postgres.freeze();
    // The catalog may answer the first requests from memory (a 200); the next ones wait out a timeout (the
    // read timeout, then the connect timeout of a fresh connection): they are what tells the node the database
    // hangs. Concurrent ones may share one check, so count none of them; wait, within a bound, for the first
    // 503 answered at once.
    let waited = 0;
    for (;;) {
      const first = await firstUnavailable(() => tokenRequest(server, seed), 'a token while PostgreSQL hangs', {
        giveUpMs: 30_000,
      });
      assertUnavailable(first.result, 'a request while PostgreSQL hangs');
      if (first.requestMs < AT_ONCE_MS) break;
      waited += 1;
      assert.ok(waited < MAX_WAITED, `${waited} requests waited for the database: it is never treated as down`);
    }
    t.diagnostic(`${waited} request(s) waited for a timeout before the node treated the database as down`);

    const elapsed: number[] = [];
    for (let i = 0; i < FAST_REQUESTS; i += 1) {
      const started = performance.now();
      const result = await tokenRequest(server, seed);
      elapsed.push(performance.now() - started);
      assertUnavailable(result, `request ${i + 1} after the circuit opened`);
    }
    t.diagnostic(`503s after the first timeouts took ${elapsed.map((ms) => Math.round(ms)).join(', ')} ms`);
    const slowest = Math.max(...elapsed);
    assert.ok(slowest < AT_ONCE_MS, `a 503 took ${Math.round(slowest)} ms: the node still waits on the database`);

    const started = performance.now();
    const ready = await request(`${server.url}/readyz`);
    assert.equal(ready.status, 503, ready.text);
    assert.ok(performance.now() - started < AT_ONCE_MS, '/readyz waited on the database');
  });

  it('serves again once PostgreSQL runs again, without a restart', async (t) => {
    postgres.thaw();
    const back = await waitUntil(
      'the node issues tokens again',
      async () => ((await tokenRequest(server, seed)).status === 200 ? true : undefined),
      { timeoutMs: 15_000, intervalMs: 100 },
    );
    t.diagnostic(`tokens were issued again ${back.elapsedMs} ms after the processes were continued`);
    assert.equal((await request(`${server.url}/readyz`)).status, 200);
  });
});
