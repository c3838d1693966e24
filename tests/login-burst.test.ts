/**
 * argon2id is what a login costs, and it runs off the event loop (core's crypto/argon2-pool.ts): while a burst of
 * logins hashes, token and introspection requests on the same node keep being answered. The bound is relative to a
 * login measured on the same server in the same test, since the machine running the tests may be busy.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertOAuthError, postJson } from './support/http.js';
import { type StandardSeed, seedStandard } from './support/seed.js';
import { assertActive, clientCredentialsToken, jsonLogin } from './support/tokens.js';
import { startTollgate, type TollgateProcess } from './support/tollgate.js';

const BURST = 20;
/** A request answered during the burst may take this many times one whole login, and no longer. */
const BOUND_IN_LOGINS = 5;

async function timedMs(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

describe('a burst of logins', () => {
  let server: TollgateProcess;
  let seed: StandardSeed;
  before(async () => {
    server = await startTollgate();
    seed = await seedStandard(server);
  });
  after(() => server?.stop());

  it('never holds up client_credentials or introspection on the same node', async () => {
    const { username, password } = seed.user;
    // One login on the idle server: an argon2id verification and a round trip. Three, under the account's
    // slow-down threshold; the median.
    const loginsMs: number[] = [];
    for (let i = 0; i < 3; i++) loginsMs.push(await timedMs(() => jsonLogin(server.url, username, password)));
    const loginMs = loginsMs.sort((a, b) => a - b)[1] as number;
    // The client's secret is verified (argon2) once and then remembered: done before, so the loop costs no argon2.
    const { access_token: token } = await clientCredentialsToken(server.url, seed.backend);

    // Unknown users cost one argon2 verification each, exactly as a real one (user-enumeration.test.ts).
    let inFlight = true;
    const burst = Promise.all(
      Array.from({ length: BURST }, (_, i) =>
        postJson(`${server.url}/token`, { username: `burst-${i}`, password: `wrong-${i}` }),
      ),
    ).finally(() => {
      inFlight = false;
    });
    const answeredMs: number[] = [];
    while (inFlight) {
      answeredMs.push(await timedMs(() => clientCredentialsToken(server.url, seed.backend)));
      answeredMs.push(await timedMs(() => assertActive(server.url, seed.backend, token, 'the access token')));
    }
    for (const result of await burst) assertOAuthError(result, 400, 'invalid_grant');

    assert.ok(answeredMs.length >= 4, `only ${answeredMs.length} requests were answered during the burst`);
    const slowestMs = Math.max(...answeredMs);
    assert.ok(
      slowestMs <= BOUND_IN_LOGINS * loginMs,
      `a request took ${slowestMs.toFixed(1)} ms during the burst; one login takes ${loginMs.toFixed(1)} ms`,
    );
  });
});
