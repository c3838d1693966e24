import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { basicCredentials } from '../src/revocations.js';
import { MAX_REPORTS_PER_BATCH, UsageReporter } from '../src/usage.js';
import { ApiTokenIssuer } from './api-token-issuer.js';
import { CLIENT } from './harness.js';
import { FakeClock, waitFor } from './support.js';

let server: ApiTokenIssuer;
before(async () => {
  server = await ApiTokenIssuer.start();
});
after(() => server.stop());

function reporter(clock: FakeClock, overrides: { clientSecret?: string; intervalMs?: number } = {}): UsageReporter {
  return new UsageReporter({
    endpoint: () => `${server.issuer}/api-tokens/usage`,
    authorization: basicCredentials(CLIENT.clientId, overrides.clientSecret ?? CLIENT.clientSecret),
    http: { fetch: globalThis.fetch, timeoutMs: 2_000 },
    now: clock.now,
    intervalMs: overrides.intervalMs ?? 20,
  });
}

describe('usage reporter', () => {
  it('retries a failed batch once on the next tick, then drops it', async () => {
    const clock = new FakeClock();
    const usage = reporter(clock);
    server.usageStatus = 503;
    const failedBefore = server.failedUsageBatches.length;
    usage.record('atj_retry', 'https://api.example.com', undefined);
    await waitFor(() => server.failedUsageBatches.length >= failedBefore + 2, 2_000);
    // Well past a few more ticks: no third attempt.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const attempts = server.failedUsageBatches.slice(failedBefore);
    assert.equal(attempts.length, 2);
    assert.deepEqual(attempts[0], attempts[1]);
    server.usageStatus = 204;
    await usage.close();
  });

  it('delivers a batch that failed once when the server recovers', async () => {
    const clock = new FakeClock();
    const usage = reporter(clock, { intervalMs: 100 });
    server.usageStatus = 500;
    const failedBefore = server.failedUsageBatches.length;
    usage.record('atj_recover', 'https://api.example.com', '192.0.2.1');
    await waitFor(() => server.failedUsageBatches.length > failedBefore, 2_000);
    server.usageStatus = 204;
    await waitFor(() => server.reports.some((report) => report.jti === 'atj_recover'), 2_000);
    assert.deepEqual(
      server.reports.filter((report) => report.jti === 'atj_recover'),
      [
        {
          jti: 'atj_recover',
          api: 'https://api.example.com',
          count: 1,
          lastUsedAt: clock.seconds,
          address: '192.0.2.1',
        },
      ],
    );
    await usage.close();
  });

  it(`splits reports into batches of at most ${MAX_REPORTS_PER_BATCH}`, async () => {
    const clock = new FakeClock();
    const usage = reporter(clock, { intervalMs: 60_000 });
    for (let index = 0; index < 2_500; index++) usage.record(`atj_many_${index}`, 'https://api.example.com', undefined);
    const before = server.usageBatches.length;
    await usage.close();
    const sizes = server.usageBatches.slice(before).map((batch) => batch.length);
    assert.deepEqual(
      sizes.sort((a, b) => b - a),
      [1000, 1000, 500],
    );
  });

  it('never throws into the caller when the server refuses the credentials, and sends nothing when idle', async () => {
    const clock = new FakeClock();
    const usage = reporter(clock, { clientSecret: 'wrong' });
    const refusedBefore = server.refusedUsage;
    usage.record('atj_refused', 'https://api.example.com', undefined);
    await waitFor(() => server.refusedUsage >= refusedBefore + 2, 2_000);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(server.refusedUsage, refusedBefore + 2);
    assert.equal(usage.pendingCount, 0);
    await usage.close();
  });
});
