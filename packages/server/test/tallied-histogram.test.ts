import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Histogram, Registry } from 'prom-client';
import { LATENCY_BUCKETS_SECONDS } from '../src/metrics/server-metrics.js';
import { TalliedHistogram } from '../src/metrics/tallied-histogram.js';

const CONFIGURATION = { name: 'answer_seconds', help: 'time to answer', buckets: LATENCY_BUCKETS_SECONDS };

/** A prom-client Histogram and a tallied one, each in its own registry, fed the same observations. */
function pair() {
  const theirs = new Registry();
  const ours = new Registry();
  const histogram = new Histogram({ ...CONFIGURATION, labelNames: ['method', 'route'] as const, registers: [theirs] });
  const tallied = new TalliedHistogram<'method' | 'route'>({ ...CONFIGURATION, registers: [ours] });
  const observe = (method: string, route: string, seconds: number) => {
    histogram.observe({ method, route }, seconds);
    tallied.observe(`${method} ${route}`, () => ({ method, route }), seconds);
  };
  return { theirs, ours, observe, tallied };
}

describe('a tallied histogram', () => {
  it('shows at each scrape the same exposition as a prom-client histogram fed the same values', async () => {
    const { theirs, ours, observe } = pair();
    assert.equal(await ours.metrics(), await theirs.metrics());
    const values = [0, 0.0004, 0.001, 0.0011, 0.003, 0.01, 0.2, 0.25, 1, 9.99, 10, 10.5, 120];
    for (const [index, seconds] of values.entries()) observe('POST', '/token', seconds + index * 1e-7);
    observe('GET', '/api/v1/users/:id', 0.002);
    observe('other', 'unmatched "quoted"\n\\', 0.07);
    assert.equal(await ours.metrics(), await theirs.metrics());
    observe('POST', '/token', 0.004);
    assert.equal(await ours.metrics(), await theirs.metrics());
    // The JSON form too (what a cluster aggregator reads), but for prom-client's exemplar slots, unused here.
    const withoutExemplars = (json: unknown) =>
      JSON.parse(JSON.stringify(json, (key, value) => (key === 'exemplar' ? undefined : value)));
    assert.deepEqual(
      withoutExemplars(await ours.getMetricsAsJSON()),
      withoutExemplars(await theirs.getMetricsAsJSON()),
    );
  });

  it('starts again from nothing when the registry resets its metrics', async () => {
    const { theirs, ours, observe } = pair();
    observe('POST', '/token', 0.003);
    theirs.resetMetrics();
    ours.resetMetrics();
    assert.equal(await ours.metrics(), await theirs.metrics());
    observe('POST', '/token', 0.5);
    assert.equal(await ours.metrics(), await theirs.metrics());
  });
});
