/**
 * argon2id is what a login costs, and it runs off the event loop (core's crypto/argon2-pool.ts): while a burst of
 * logins hashes, token and introspection requests on the same node keep being answered. The bound is relative to a
 * login measured on the same server in the same test, since the machine running the tests may be busy.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertOAuthError, postJson } from './support/http.js';
import { type StandardSeed, seedStandard } from './support/seed.js';
import { assertActive, clientCredentialsToken, jsonLogin } from './support/tokens.js';
import { startTollgate, type TollgateProcess } from './support/tollgate.js';

const BURST = 20;
/**
 * A request answered during the burst may take this many times one whole login, and no longer: half the burst, so a
 * request that waited for the logins (argon2 on the event loop) fails, while a busy machine's hiccups do not.
 */
const BOUND_IN_LOGINS = 10;

async function timedMs(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

/**
 * One login on the idle server (an argon2id verification and a round trip): the median of three, fewer than the
 * account's slow-down threshold.
 */
async function oneLoginMs(server: TollgateProcess, user: StandardSeed['user']): Promise<number> {
  const loginsMs: number[] = [];
  for (let i = 0; i < 3; i++) loginsMs.push(await timedMs(() => jsonLogin(server.url, user.username, user.password)));
  return loginsMs.sort((a, b) => a - b)[1] as number;
}

/** Times client_credentials and introspection requests, one after another, for as long as `burst` is in flight. */
async function answersDuring(
  burst: Promise<unknown>,
  server: TollgateProcess,
  seed: StandardSeed,
  token: string,
): Promise<number[]> {
  let inFlight = true;
  const settled = () => {
    inFlight = false;
  };
  // Both ways: the caller awaits `burst` itself and sees a rejection there.
  burst.then(settled, settled);
  const answeredMs: number[] = [];
  while (inFlight) {
    answeredMs.push(await timedMs(() => clientCredentialsToken(server.url, seed.backend)));
    answeredMs.push(await timedMs(() => assertActive(server.url, seed.backend, token, 'the access token')));
  }
  return answeredMs;
}

describe('a burst of logins', () => {
  it('never holds up client_credentials or introspection on the same node', async () => {
    const server = await startTollgate();
    try {
      const seed = await seedStandard(server);
      const loginMs = await oneLoginMs(server, seed.user);
      // The client's secret is verified (argon2) once and then remembered: done first, so the requests timed below
      // cost no argon2 of their own.
      const { access_token: token } = await clientCredentialsToken(server.url, seed.backend);
      // Unknown users cost one argon2 verification each, exactly as a real one (user-enumeration.test.ts).
      const burst = Promise.all(
        Array.from({ length: BURST }, (_, i) =>
          postJson(`${server.url}/token`, { username: `burst-${i}`, password: `wrong-${i}` }),
        ),
      );
      const answeredMs = await answersDuring(burst, server, seed, token);
      for (const result of await burst) assertOAuthError(result, 400, 'invalid_grant');

      assert.ok(answeredMs.length >= 4, `only ${answeredMs.length} requests were answered during the burst`);
      const slowestMs = Math.max(...answeredMs);
      assert.ok(
        slowestMs <= BOUND_IN_LOGINS * loginMs,
        `a request took ${slowestMs.toFixed(1)} ms during the burst; one login takes ${loginMs.toFixed(1)} ms`,
      );
    } finally {
      await server.stop();
    }
  });
});
