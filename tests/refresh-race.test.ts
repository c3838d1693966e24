/**
 * Concurrent uses of one refresh token: the consume is a compare-and-set, so exactly one wins; the rest
 * are `invalid_grant`, never a 5xx, and the server stays up.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertNoStore, asObject, type HttpResult } from './support/http.js';
import { type StandardSeed, seedStandard } from './support/seed.js';
import { jsonLogin, passwordToken, refreshRequest } from './support/tokens.js';
import { startTollgate, type TollgateProcess } from './support/tollgate.js';

const CONCURRENT_USES = 20;
const ROUNDS = 3;

function summarize(results: readonly HttpResult[]): string {
  return results.map((result) => `${result.status} ${result.text.slice(0, 120)}`).join('\n');
}

function assertExactlyOneWinner(results: readonly HttpResult[]): void {
  const winners = results.filter((result) => result.status === 200);
  assert.equal(
    winners.length,
    1,
    `${winners.length} of ${results.length} concurrent uses succeeded:\n${summarize(results)}`,
  );
  for (const result of results) {
    if (result.status === 200) continue;
    assert.equal(result.status, 400, `a loser must get 400, not ${result.status}:\n${summarize(results)}`);
    assert.equal(
      asObject(result.json).error,
      'invalid_grant',
      `a loser must get invalid_grant:\n${summarize(results)}`,
    );
    assertNoStore(result);
  }
}

describe('refresh token race', () => {
  let server: TollgateProcess;
  let seed: StandardSeed;
  before(async () => {
    server = await startTollgate();
    seed = await seedStandard(server);
  });
  after(() => server?.stop());

  it(`lets exactly one of ${CONCURRENT_USES} concurrent uses of a confidential client's refresh token succeed`, async () => {
    for (let round = 0; round < ROUNDS; round += 1) {
      const tokens = await passwordToken(server.url, seed.backend, seed.user);
      assert.ok(tokens.refresh_token);
      const refreshToken = tokens.refresh_token;
      const results = await Promise.all(
        Array.from({ length: CONCURRENT_USES }, () => refreshRequest(server.url, refreshToken, seed.backend)),
      );
      assertExactlyOneWinner(results);
    }
    assert.ok(server.alive(), 'the server survived the race');
  });

  it(`lets exactly one of ${CONCURRENT_USES} concurrent uses of a login refresh token succeed`, async () => {
    for (let round = 0; round < ROUNDS; round += 1) {
      const tokens = await jsonLogin(server.url, seed.user.username, seed.user.password);
      assert.ok(tokens.refresh_token);
      const refreshToken = tokens.refresh_token;
      const results = await Promise.all(
        Array.from({ length: CONCURRENT_USES }, () => refreshRequest(server.url, refreshToken)),
      );
      assertExactlyOneWinner(results);
    }
  });

  it('lets nobody use a raced family afterwards: the winner was revoked with it', async () => {
    const tokens = await passwordToken(server.url, seed.backend, seed.user);
    assert.ok(tokens.refresh_token);
    const refreshToken = tokens.refresh_token;
    const results = await Promise.all(
      Array.from({ length: CONCURRENT_USES }, () => refreshRequest(server.url, refreshToken, seed.backend)),
    );
    assertExactlyOneWinner(results);
    const winner = results.find((result) => result.status === 200);
    const next = winner ? asObject(winner.json).refresh_token : undefined;
    assert.equal(typeof next, 'string', `the winner got no refresh token: ${winner?.text}`);
    // The losers replayed a consumed token, which revokes the family (RFC 9700 4.14.2).
    const after = await refreshRequest(server.url, next as string, seed.backend);
    assert.equal(after.status, 400, `the winner's refresh token survived a replay of its parent: ${after.text}`);
  });
});
