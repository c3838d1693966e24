/**
 * The gateway's throughput and latency for a `GET /data` with a valid token, against the same upstream
 * reached directly, through a bare node:http + undici proxy with no auth (the baseline, as issue 12 names it;
 * bare-proxy.ts), through the same bare proxy with node:http's own client instead (a second, labelled row,
 * not a baseline), and through the Tollgate
 * gateway: on a public route (its proxying alone), and with the token verified, the scope checked and the
 * identity headers set, with and without its access log.
 *
 * Each server runs in its own process and autocannon in this one. All of them stay up while the targets
 * take turns in short rounds (the median round counts, and each round starts elsewhere), so a busy
 * neighbour hits every target alike. The proxies (bare and Tollgate's) are pinned to one core and this process to
 * the other (pinning.ts), as in the peer sections: unpinned, the proxy, the upstream and the load generator shared
 * both cores, so a proxy's req/s said as much about the scheduler as about its own cost (the access-log-on ratio
 * read 0.70x on a quiet machine and 0.99x minutes later beside another job, for the same build). The cost of a request is the CPU time the server in front spends on it
 * (from /proc, in that process alone; rounds.ts), so "added cost" is (CPU per request ÷ the baseline's − 1); the
 * throughput ratio is shown too.
 *
 * With an API token (`tg_...`), the gateway whose access log is off is also measured with it, in the same
 * rounds: a JWT is checked locally, an API token by introspection at the server whose answer the verifier
 * caches (the default), so the comparison shows what the cache leaves of that round trip.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Child, profilingArguments, startChild } from './children.js';
import { formatInteger, formatPercent, markdownTable } from './markdown.js';
import { pinLoadGenerator } from './pinning.js';
import { type LoadTarget, type Measured as RoundMeasured, measureInRounds } from './rounds.js';
import type { VerifySetup } from './verify-bench.js';

const DURATION_SECONDS = Number(process.env.BENCH_DURATION_SECONDS) || 10;
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS) || 10;
const ROUNDS = 5;
const WARM_UP_SECONDS = 1;

type Kind = 'direct' | 'baseline' | 'node-http-proxy' | 'public' | 'auth' | 'api-token';

interface Target {
  name: string;
  kind: Kind;
  /** The process whose CPU time a request through this target costs. */
  child: Child;
  /** `Bearer <JWT>` or `Bearer tg_...`. */
  authorization: string;
}

interface Measured extends RoundMeasured {
  kind: Kind;
}

export interface GatewayVariant {
  name: string;
  logLevel: 'info' | 'warn';
  public: boolean;
}

const GATEWAY_VARIANTS: readonly GatewayVariant[] = [
  { name: 'Tollgate gateway, public route (no auth)', logLevel: 'info', public: true },
  { name: 'Tollgate gateway, token checked (access log on)', logLevel: 'info', public: false },
  { name: 'Tollgate gateway, token checked (access log off)', logLevel: 'warn', public: false },
];

export function gatewayConfig(dir: string, setup: VerifySetup, upstream: string, variant: GatewayVariant): string {
  const file = join(dir, `gateway-${variant.logLevel}-${variant.public ? 'public' : 'auth'}.json`);
  const route = variant.public
    ? { path: '/data', methods: ['GET'], upstream, public: true }
    : { path: '/data', methods: ['GET'], upstream, scopes: ['read:data'] };
  const config = {
    listen: { host: '127.0.0.1', port: 0 },
    issuer: setup.issuer,
    audience: setup.audience,
    client: setup.client,
    logLevel: variant.logLevel,
    routes: [route],
  };
  writeFileSync(file, JSON.stringify(config, null, 2), { mode: 0o600 });
  return file;
}

async function measureAll(targets: readonly Target[]): Promise<Measured[]> {
  const loadTargets = targets.map((target): LoadTarget => {
    if (target.child.pid === undefined) throw new Error(`${target.name}: no process id to measure`);
    return {
      name: target.name,
      url: `${target.child.url}/data`,
      pid: target.child.pid,
      headers: { authorization: target.authorization },
    };
  });
  const measured = await measureInRounds(loadTargets, {
    label: 'gateway',
    rounds: ROUNDS,
    secondsPerRound: Math.max(2, Math.round(DURATION_SECONDS / ROUNDS)),
    connections: CONNECTIONS,
    warmUpSeconds: WARM_UP_SECONDS,
  });
  return measured.map((row, index) => ({ ...row, kind: (targets[index] as Target).kind }));
}

function render(rows: readonly Measured[]): string {
  const bare = rows.find((row) => row.kind === 'baseline');
  const publicRoute = rows.find((row) => row.kind === 'public');
  const vsCpu = (base: Measured | undefined, row: Measured) =>
    base === undefined ? '—' : formatPercent((row.cpuMicrosPerRequest / base.cpuMicrosPerRequest - 1) * 100);
  const vsRate = (base: Measured | undefined, row: Measured) =>
    base === undefined ? '—' : formatPercent((base.requestsPerSecond / row.requestsPerSecond - 1) * 100);
  return markdownTable(
    [
      'GET /data',
      'Requests/s',
      'p50 (ms)',
      'p99 (ms)',
      'CPU µs/request',
      'Added CPU vs bare undici proxy',
      'Added time vs bare undici proxy (req/s)',
      'Auth alone (CPU vs public route)',
      'Failed',
    ],
    rows.map((row) => {
      const vsBaseline = row.kind === 'public' || row.kind === 'auth' || row.kind === 'node-http-proxy';
      return [
        row.name,
        formatInteger(row.requestsPerSecond),
        String(row.p50),
        String(row.p99),
        formatInteger(row.cpuMicrosPerRequest),
        vsBaseline ? vsCpu(bare, row) : '—',
        vsBaseline ? vsRate(bare, row) : '—',
        row.kind === 'auth' ? vsCpu(publicRoute, row) : '—',
        String(row.failures),
      ];
    }),
  );
}

/** The same gateway (access log off) with a JWT and with an API token, side by side. */
function renderTokenKinds(rows: readonly Measured[]): string | undefined {
  const jwt = rows.find((row) => row.kind === 'auth' && row.name.includes('access log off'));
  const apiToken = rows.find((row) => row.kind === 'api-token');
  if (jwt === undefined || apiToken === undefined) return undefined;
  const row = (name: string, measured: Measured) => [
    name,
    formatInteger(measured.requestsPerSecond),
    String(measured.p50),
    String(measured.p99),
    formatInteger(measured.cpuMicrosPerRequest),
    String(measured.failures),
  ];
  return markdownTable(
    ['GET /data through the gateway', 'Requests/s', 'p50 (ms)', 'p99 (ms)', 'Gateway CPU µs/request', 'Failed'],
    [row('JWT access token (verified locally)', jwt), row('API token tg_... (introspected, cached)', apiToken)],
  );
}

export interface GatewayBenchResult {
  table: string;
  /** Present when an API token was given. */
  tokenKindsTable: string | undefined;
  /** The gateway's req/s with the token checked and the access log on ÷ the bare node:http + undici proxy's. */
  rateVsBareProxyAccessLogOn: number | undefined;
  /** The same from CPU per request (bare ÷ gateway): the req/s ratio if both saturated their core. */
  rateFromCpuVsBareProxyAccessLogOn: number | undefined;
  /** How the run was pinned, for the section's heading. */
  pinning: string;
  failed: boolean;
}

/** Access-log-on gateway against the bare undici proxy: req/s as measured, and as their CPU per request implies. */
function vsBareProxy(rows: readonly Measured[]): { rate: number | undefined; rateFromCpu: number | undefined } {
  const bare = rows.find((row) => row.kind === 'baseline');
  const logged = rows.find((row) => row.kind === 'auth' && row.name.includes('access log on'));
  if (bare === undefined || logged === undefined) return { rate: undefined, rateFromCpu: undefined };
  return {
    rate: logged.requestsPerSecond / bare.requestsPerSecond,
    rateFromCpu: bare.cpuMicrosPerRequest / logged.cpuMicrosPerRequest,
  };
}

export async function runGatewayBench(setup: VerifySetup, apiToken?: string): Promise<GatewayBenchResult> {
  const authorization = `Bearer ${setup.token}`;
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-bench-gateway-'));
  const pinning = pinLoadGenerator();
  const started: Child[] = [];
  const start = async (script: string, args: string[], nodeArgs: string[] = []) => {
    const child = await startChild(script, args, nodeArgs);
    started.push(child);
    return child;
  };
  try {
    const upstream = await start('bench-upstream.js', []);
    pinning.pinHelper(upstream.pid);
    const targets: Target[] = [
      { name: 'upstream, directly', kind: 'direct', child: upstream, authorization },
      {
        name: 'bare node:http + undici proxy, no auth (baseline)',
        kind: 'baseline',
        child: await start('bare-proxy.js', [upstream.url, 'undici']),
        authorization,
      },
      {
        name: 'bare node:http + node:http client proxy, no auth',
        kind: 'node-http-proxy',
        child: await start('bare-proxy.js', [upstream.url, 'node-http']),
        authorization,
      },
    ];
    for (const variant of GATEWAY_VARIANTS) {
      const config = gatewayConfig(dir, setup, upstream.url, variant);
      const kind = variant.public ? 'public' : 'auth';
      const child = await start('gateway-runner.js', [config], profilingArguments());
      targets.push({ name: variant.name, kind, child, authorization });
      if (apiToken !== undefined && !variant.public && variant.logLevel === 'warn') {
        const name = 'Tollgate gateway, API token checked (access log off)';
        targets.push({ name, kind: 'api-token', child, authorization: `Bearer ${apiToken}` });
      }
    }
    for (const target of targets) if (target.kind !== 'direct') pinning.pinServer(target.child.pid);
    const rows = await measureAll(targets);
    const { rate, rateFromCpu } = vsBareProxy(rows);
    return {
      table: render(rows.filter((row) => row.kind !== 'api-token')),
      tokenKindsTable: renderTokenKinds(rows),
      rateVsBareProxyAccessLogOn: rate,
      rateFromCpuVsBareProxyAccessLogOn: rateFromCpu,
      pinning: pinning.description,
      failed: rows.some((row) => row.failures > 0),
    };
  } finally {
    pinning.release();
    await Promise.all(started.map((child) => child.stop()));
    rmSync(dir, { recursive: true, force: true });
  }
}
