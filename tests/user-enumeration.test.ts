/**
 * A wrong password and an unknown user cannot be told apart: same status, same body, and no timing gap
 * over HTTP (unknown users cost an argon2 verification too). Brute-force limits are raised so that
 * throttling delays do not mix into the timings.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { postForm } from './support/http.js';
import { type StandardSeed, seedStandard } from './support/seed.js';
import { startTollgate, type TollgateProcess } from './support/tollgate.js';

const ROUNDS = 15;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

describe('user enumeration', () => {
  let server: TollgateProcess;
  let seed: StandardSeed;
  before(async () => {
    const unlimited = { slowAfter: 100_000, blockAfter: 100_000 };
    server = await startTollgate({ config: { bruteForce: { account: unlimited, address: unlimited } } });
    seed = await seedStandard(server);
  });
  after(() => server?.stop());

  it('takes as long to refuse an unknown user as a wrong password', async () => {
    const timings = { wrongPassword: [] as number[], unknownUser: [] as number[] };
    const attempt = async (username: string) => {
      const started = performance.now();
      const result = await postForm(
        `${server.url}/token`,
        { grant_type: 'password', username, password: 'not it' },
        { basic: seed.backend },
      );
      assert.equal(result.status, 400);
      return performance.now() - started;
    };
    // Interleaved, so load from other test files hits both series alike.
    for (let round = 0; round < ROUNDS; round += 1) {
      timings.wrongPassword.push(await attempt(seed.user.username));
      timings.unknownUser.push(await attempt(`ghost-${round}`));
    }
    const ratio = median(timings.unknownUser) / median(timings.wrongPassword);
    assert.ok(
      ratio > 0.5 && ratio < 2,
      `unknown user median ${median(timings.unknownUser).toFixed(1)} ms vs wrong password ${median(timings.wrongPassword).toFixed(1)} ms`,
    );
  });
});
