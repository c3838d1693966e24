import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startMetricsListener } from '../src/index.js';

const scrape = async () => ({ contentType: 'text/plain; version=0.0.4; charset=utf-8', body: 'up 1\n' });

describe('the metrics listener', () => {
  it('refuses plain HTTP on an address other machines can reach', async () => {
    await assert.rejects(startMetricsListener({ host: '0.0.0.0', port: 0 }, scrape), {
      name: 'TypeError',
      message: 'the metrics listener serves plain HTTP only on a loopback address, not 0.0.0.0',
    });
  });

  it('serves GET /metrics on loopback, and nothing else', async () => {
    const listener = await startMetricsListener({ host: '127.0.0.1', port: 0 }, scrape);
    try {
      const ok = await fetch(listener.url);
      assert.deepEqual(
        [ok.status, ok.headers.get('content-type'), await ok.text()],
        [200, (await scrape()).contentType, 'up 1\n'],
      );
      const other = await fetch(new URL('/metrics/x', listener.url));
      assert.equal(other.status, 404);
      await other.text();
      const posted = await fetch(listener.url, { method: 'POST' });
      assert.deepEqual([posted.status, posted.headers.get('allow')], [405, 'GET, HEAD']);
      await posted.text();
    } finally {
      await listener.close();
    }
  });
});
