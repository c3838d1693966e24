/**
 * Counting costs CPU on every request, so a process counts only once one of its gateways serves `metrics.listen`
 * (gateway-metrics.ts). This file runs in its own process (node --test), so the process starts without counting.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { gatewayRegistry } from '../src/metrics/gateway-metrics.js';
import { waitFor } from './support/command.js';
import { startTestGateway, type TestGateway } from './support/gateway.js';
import { send } from './support/http.js';
import { startIssuer, type TestIssuer } from './support/issuer.js';
import { startUpstream, type TestUpstream } from './support/upstream.js';

/** The count of `tollgate_gateway_requests_total` for the public route /open, status 200, in this process. */
async function openRequestsCounted(): Promise<number> {
  const metric = gatewayRegistry.getSingleMetric('tollgate_gateway_requests_total');
  assert.ok(metric !== undefined);
  const { values } = await metric.get();
  const sample = values.find((value) => value.labels.route === '/open' && String(value.labels.status) === '200');
  return sample?.value ?? 0;
}

/** Waits for the gateway's access-log line of its `count`th request: the request is counted, if at all, by then. */
function accessLogged(gateway: TestGateway, count: number): Promise<true> {
  const requestLines = () => gateway.logs().filter((line) => line.msg === 'request').length;
  return waitFor(() => requestLines() >= count || undefined, `access-log line ${count}`);
}

describe('gateway metrics counting', () => {
  let issuer: TestIssuer;
  let upstream: TestUpstream;
  const gateways: TestGateway[] = [];

  before(async () => {
    issuer = await startIssuer();
    upstream = await startUpstream();
  });
  after(() => Promise.all([...gateways.map((gateway) => gateway.close()), issuer?.close(), upstream?.close()]));

  it('keeps no counts while no gateway serves metrics.listen, and counts once one does', async () => {
    const routes = [{ path: '/open', upstream: upstream.url, public: true }];
    const unscraped = await startTestGateway(issuer.url, { routes });
    gateways.push(unscraped);
    assert.equal((await send(unscraped.url, '/open/item')).status, 200);
    await accessLogged(unscraped, 1);
    assert.equal(await openRequestsCounted(), 0);

    gateways.push(await startTestGateway(issuer.url, { metrics: { listen: { port: 0 } }, routes }));
    assert.equal((await send(unscraped.url, '/open/item')).status, 200);
    await accessLogged(unscraped, 2);
    assert.equal(await openRequestsCounted(), 1);
  });
});
