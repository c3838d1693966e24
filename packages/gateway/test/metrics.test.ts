/**
 * The gateway's Prometheus metrics (docs/metrics.md): each series moves by exactly the traffic sent, labelled by
 * the configured route prefix and never by the path asked for; the listener refuses plain HTTP off loopback; and
 * with `--workers 2` one scrape of the primary sums both workers exactly.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { countRefusal, loadGatewayConfig, parseGatewayConfig } from '../src/index.js';
import { SKIP, startGatewayCommand, waitFor } from './support/command.js';
import { startTestGateway, type TestGateway } from './support/gateway.js';
import { send } from './support/http.js';
import { startIssuer, type TestIssuer } from './support/issuer.js';
import { startUpstream, type TestUpstream } from './support/upstream.js';

type Labels = Record<string, string>;

/** The value of the one sample `name` whose labels include `labels`, 0 when absent. */
function sampleValue(text: string, name: string, labels: Labels = {}): number {
  const values = text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .filter((line) => Object.entries(labels).every(([key, value]) => line.includes(`${key}="${value}"`)))
    .map((line) => Number(line.slice(line.lastIndexOf(' ') + 1)));
  assert.ok(values.length <= 1, `${name} ${JSON.stringify(labels)} matches ${values.length} series`);
  return values[0] ?? 0;
}

async function scrapeText(metricsUrl: string): Promise<string> {
  const url = new URL(metricsUrl);
  const reply = await send(url.origin, url.pathname);
  assert.equal(reply.status, 200, reply.text);
  assert.match(String(reply.headers['content-type']), /^text\/plain; version=0\.0\.4/);
  return reply.text;
}

/** A scrape now, and a function giving how much a series grew since. */
async function baseline(metricsUrl: string): Promise<(name: string, labels?: Labels) => Promise<number>> {
  const before = await scrapeText(metricsUrl);
  return async (name, labels = {}) =>
    sampleValue(await scrapeText(metricsUrl), name, labels) - sampleValue(before, name, labels);
}

function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

describe('gateway metrics', () => {
  let issuer: TestIssuer;
  let upstream: TestUpstream;
  let gateway: TestGateway;
  let metricsUrl: string;

  before(async () => {
    issuer = await startIssuer();
    upstream = await startUpstream();
    const [metricsPort, downPort] = await Promise.all([closedPort(), closedPort()]);
    gateway = await startTestGateway(issuer.url, {
      metrics: { listen: { port: metricsPort } },
      routes: [
        { path: '/limited', upstream: upstream.url, rateLimit: { perToken: { requests: 2, windowSeconds: 600 } } },
        { path: '/open', upstream: upstream.url, public: true },
        { path: '/down', upstream: `http://127.0.0.1:${downPort}`, public: true },
      ],
    });
    metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
  });
  after(() => Promise.all([gateway?.close(), issuer?.close(), upstream?.close()]));

  it('counts requests by route and status, rate-limit refusals, and latency', async () => {
    const token = await issuer.token();
    const grew = await baseline(metricsUrl);
    const statuses: number[] = [];
    for (let sent = 0; sent < 3; sent += 1) {
      statuses.push(
        (await send(gateway.url, '/limited/item', { headers: { authorization: `Bearer ${token}` } })).status,
      );
    }
    assert.deepEqual(statuses, [200, 200, 429]);
    const route = { route: '/limited', method: 'GET', mode: 'proxy' };
    assert.equal(await grew('tollgate_gateway_requests_total', { ...route, status: '200' }), 2);
    assert.equal(await grew('tollgate_gateway_requests_total', { ...route, status: '429' }), 1);
    assert.equal(await grew('tollgate_gateway_refusals_total', { reason: 'rate_limit' }), 1);
    assert.equal(await grew('tollgate_gateway_refusals_total', { reason: 'credits' }), 0);
    assert.equal(
      await grew('tollgate_gateway_request_duration_seconds_count', { route: '/limited', mode: 'proxy' }),
      3,
    );
    assert.equal(
      await grew('tollgate_gateway_request_duration_seconds_bucket', { route: '/limited', mode: 'proxy', le: '+Inf' }),
      3,
    );
  });

  it('counts auth refusals by RFC 6750 error', async () => {
    const grew = await baseline(metricsUrl);
    assert.equal((await send(gateway.url, '/limited/item')).status, 401);
    const forged = await send(gateway.url, '/limited/item', { headers: { authorization: 'Bearer not.a.jwt' } });
    assert.equal(forged.status, 401);
    assert.equal(await grew('tollgate_gateway_auth_refusals_total', { route: '/limited', error: 'missing_token' }), 1);
    assert.equal(await grew('tollgate_gateway_auth_refusals_total', { route: '/limited', error: 'invalid_token' }), 1);
  });

  it('counts an upstream that cannot be reached', async () => {
    const grew = await baseline(metricsUrl);
    assert.equal((await send(gateway.url, '/down/x')).status, 502);
    assert.equal(await grew('tollgate_gateway_upstream_errors_total', { route: '/down', kind: 'bad_gateway' }), 1);
    assert.equal(await grew('tollgate_gateway_requests_total', { route: '/open' }), 0);
  });

  it('exposes countRefusal for the other limits', async () => {
    const grew = await baseline(metricsUrl);
    countRefusal('credits');
    assert.equal(await grew('tollgate_gateway_refusals_total', { reason: 'credits' }), 1);
  });

  it('labels by configured prefix only: no path as asked, no token shows in a scrape', async () => {
    const token = await issuer.token();
    const secretish = 'tg_secret_0123456789abcdefABCDEF';
    const grew = await baseline(metricsUrl);
    for (const path of [`/${token}`, `/nowhere/${secretish}`, `/open/${secretish}?access_token=${secretish}`]) {
      await send(gateway.url, path, { headers: { authorization: `Bearer ${token}` } });
    }
    const text = await scrapeText(metricsUrl);
    for (const needle of [token, secretish])
      assert.ok(!text.includes(needle), `the scrape shows ${needle.slice(0, 12)}`);
    assert.equal(await grew('tollgate_gateway_requests_total', { route: 'unmatched', status: '404' }), 2);
  });

  it('refuses a plain-HTTP metrics listener off loopback, naming the file and line', () => {
    const folder = mkdtempSync(join(tmpdir(), 'tollgate-gateway-metrics-'));
    try {
      const file = join(folder, 'gateway.yaml');
      const yaml = [`issuer: ${issuer.url}`, 'audience: api', 'metrics:', '  listen:', '    host: 0.0.0.0', 'routes:'];
      writeFileSync(file, [...yaml, `  - path: /a`, `    upstream: ${upstream.url}`, ''].join('\n'));
      assert.throws(
        () => loadGatewayConfig(file, {}),
        (error: Error) => {
          assert.match(error.message, /gateway\.yaml:5/);
          assert.match(error.message, /metrics\.listen\.host.*plain HTTP is served only on a loopback address/);
          return true;
        },
      );
      const withTls = { listen: { host: '0.0.0.0', tls: { certFile: 'c.pem', keyFile: 'k.pem' } } };
      const config = parseGatewayConfig({
        issuer: issuer.url,
        audience: 'api',
        metrics: withTls,
        routes: [{ path: '/a', upstream: upstream.url }],
      });
      assert.equal(config.metrics.listen?.host, '0.0.0.0');
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe('gateway metrics across workers', { skip: SKIP }, () => {
  let upstream: TestUpstream;
  let folder: string;

  before(async () => {
    upstream = await startUpstream();
    folder = mkdtempSync(join(tmpdir(), 'tollgate-gateway-metrics-workers-'));
  });
  after(async () => {
    await upstream.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('sums the requests of both workers exactly in one scrape of the primary', async (context) => {
    const metricsPort = await closedPort();
    const yaml = [
      'issuer: https://issuer.example.test',
      'listen:\n  port: 0',
      `metrics:\n  listen:\n    port: ${metricsPort}`,
      'logLevel: info',
      'routes:',
      '  - path: /open',
      `    upstream: ${upstream.url}`,
      '    public: true',
      '',
    ].join('\n');
    writeFileSync(join(folder, 'gateway.yaml'), yaml);
    const command = await startGatewayCommand(context, folder, ['--config', 'gateway.yaml', '--workers', '2']);
    const metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
    const before = sampleValue(await scrapeText(metricsUrl), 'tollgate_gateway_requests_total', { route: '/open' });
    assert.equal(before, 0);
    // One connection per request: the primary hands connections to the workers in turn. Keep sending until the
    // access log shows both workers served some, so the sum below really spans two processes.
    let sent = 0;
    const pids = () =>
      new Set([...command.stdout().matchAll(/"pid":(\d+).*"route":"\/open"/g)].map((match) => match[1]));
    for (; sent < 10 || pids().size < 2; sent += 1) {
      assert.ok(sent < 500, 'one worker served every request');
      assert.equal((await send(command.url, `/open/${sent}`)).status, 200);
      if (sent >= 10) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await waitFor(() => pids().size === 2, 'access-log lines from both workers');
    const text = await scrapeText(metricsUrl);
    assert.equal(sampleValue(text, 'tollgate_gateway_requests_total', { route: '/open', status: '200' }), sent);
    assert.equal(sampleValue(text, 'tollgate_gateway_request_duration_seconds_count', { route: '/open' }), sent);
  });
});
