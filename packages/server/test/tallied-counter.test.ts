import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { TalliedCounter } from '../src/metrics/tallied-counter.js';

/** The exposition lines of `name`, without HELP and TYPE. */
async function samples(registry: Registry, name: string): Promise<string[]> {
  const text = await registry.metrics();
  return text.split('\n').filter((line) => line.startsWith(name));
}

describe('a tallied counter', () => {
  it('shows at each scrape exactly the events counted before it, per series, never twice', async () => {
    const registry = new Registry();
    const counter = new TalliedCounter({
      name: 'answers_total',
      help: 'answers',
      labelNames: ['route', 'status'] as const,
      registers: [registry],
    });
    counter.zero({ route: '/token', status: '500' });
    let made = 0;
    const labels = (route: string, status: string) => () => {
      made += 1;
      return { route, status };
    };
    for (let i = 0; i < 3; i++) counter.inc('/token 200', labels('/token', '200'));
    counter.inc('/introspect 401', labels('/introspect', '401'));
    assert.deepEqual(await samples(registry, 'answers_total'), [
      'answers_total{route="/token",status="500"} 0',
      'answers_total{route="/token",status="200"} 3',
      'answers_total{route="/introspect",status="401"} 1',
    ]);
    assert.equal(made, 2, 'labels are made once per series');
    // A scrape with nothing new shows the same; later events add to what was shown.
    assert.deepEqual(await samples(registry, 'answers_total'), [
      'answers_total{route="/token",status="500"} 0',
      'answers_total{route="/token",status="200"} 3',
      'answers_total{route="/introspect",status="401"} 1',
    ]);
    counter.inc('/token 200', labels('/token', '200'));
    assert.deepEqual(await samples(registry, 'answers_total'), [
      'answers_total{route="/token",status="500"} 0',
      'answers_total{route="/token",status="200"} 4',
      'answers_total{route="/introspect",status="401"} 1',
    ]);
  });
});
