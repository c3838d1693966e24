/**
 * Repeated failed logins for one username, or from one address, are slowed and then refused with 429
 * and Retry-After until the window ends. Limits are lowered by config so the test stays short.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertOAuthError, type HttpResult, postFrom } from './support/http.js';
import { addUser, type StandardSeed, seedStandard } from './support/seed.js';
import { startTollgate, type TollgateProcess } from './support/tollgate.js';

const LIMITS = {
  windowSeconds: 60,
  account: { slowAfter: 2, blockAfter: 4 },
  address: { slowAfter: 4, blockAfter: 6 },
  delayStepMs: 300,
  maxDelayMs: 600,
};

function assertTooManyAttempts(result: HttpResult): void {
  assertOAuthError(result, 429, 'invalid_request');
  const retryAfter = result.headers.get('retry-after') ?? '';
  assert.match(retryAfter, /^\d+$/, `Retry-After must be delta-seconds, got "${retryAfter}"`);
  assert.ok(Number(retryAfter) >= 1 && Number(retryAfter) <= LIMITS.windowSeconds, `Retry-After ${retryAfter}`);
}

describe('brute-force protection', () => {
  let server: TollgateProcess;
  let seed: StandardSeed;
  const bob = { username: 'bob', password: 'bob has a long password' };
  before(async () => {
    server = await startTollgate({ config: { bruteForce: LIMITS } });
    seed = await seedStandard(server);
    await addUser(server, bob.username, bob.password, ['read:data']);
  });
  after(() => server?.stop());

  function login(
    from: string,
    username: string,
    password: string,
    headers: Record<string, string> = {},
  ): Promise<HttpResult> {
    return postFrom(from, `${server.url}/token`, { form: { grant_type: 'password', username, password } }, headers);
  }

  it('slows and then refuses repeated failures for one username, even with the right password', async () => {
    const timingsMs: number[] = [];
    for (let attempt = 1; attempt <= LIMITS.account.blockAfter; attempt += 1) {
      const started = performance.now();
      assertOAuthError(await login('127.0.0.1', seed.user.username, `wrong ${attempt}`), 400, 'invalid_grant');
      timingsMs.push(performance.now() - started);
    }
    // Failures past slowAfter wait delayStepMs more each: 300 ms, then 600 ms (a lower bound; never flaky).
    assert.ok((timingsMs[2] ?? 0) >= 280, `third failure took ${timingsMs[2]} ms, expected a delay of 300 ms`);
    assert.ok((timingsMs[3] ?? 0) >= 580, `fourth failure took ${timingsMs[3]} ms, expected a delay of 600 ms`);

    assertTooManyAttempts(await login('127.0.0.1', seed.user.username, 'wrong again'));
    assertTooManyAttempts(await login('127.0.0.1', seed.user.username, seed.user.password));
  });

  it('keeps a username blocked from every address', async () => {
    assertTooManyAttempts(await login('127.0.0.2', seed.user.username, seed.user.password));
  });

  it('does not block other users from the same address', async () => {
    const result = await login('127.0.0.1', bob.username, bob.password);
    assert.equal(result.status, 200, `bob: ${result.status} ${result.text}`);
  });

  it('refuses an address spraying many usernames, whatever X-Forwarded-For says', async () => {
    for (let attempt = 1; attempt <= LIMITS.address.blockAfter; attempt += 1) {
      const spoofed = { 'x-forwarded-for': `10.0.0.${attempt}` };
      assertOAuthError(await login('127.0.0.3', `spray-${attempt}`, 'guess', spoofed), 400, 'invalid_grant');
    }
    assertTooManyAttempts(await login('127.0.0.3', 'spray-next', 'guess', { 'x-forwarded-for': '10.9.9.9' }));
    assertTooManyAttempts(await login('127.0.0.3', bob.username, bob.password));
    const elsewhere = await login('127.0.0.4', bob.username, bob.password);
    assert.equal(elsewhere.status, 200, `bob from another address: ${elsewhere.status} ${elsewhere.text}`);
  });

  it('applies the same limits to the JSON login', async () => {
    const carol = { username: 'carol', password: 'carol also has a password' };
    await addUser(server, carol.username, carol.password, ['read:data']);
    const json = (password: string) =>
      postFrom('127.0.0.5', `${server.url}/token`, { json: { username: carol.username, password } });
    for (let attempt = 1; attempt <= LIMITS.account.blockAfter; attempt += 1) {
      assert.equal((await json('wrong')).status, 400);
    }
    assertTooManyAttempts(await json(carol.password));
  });
});
