/**
 * `npm run bench`: measures on this machine, over real HTTP on loopback.
 *   server:  client_credentials tokens per second, and introspections per second, of one Tollgate process
 *   verify:  JWT verifications per second of the verify SDK (cache off and on) against raw node:crypto
 *   gateway: requests per second and latency of the gateway against the upstream directly and a bare proxy,
 *            and through it with a JWT against an API token
 *   dashboard: the dashboard's first load: JS+CSS bytes (raw and gzipped), and time to interactive in Chromium
 *   scale:   tokens and introspections per second on SQLite, PostgreSQL, and two servers sharing PostgreSQL, and
 *            the latency of a revocation from one node to a verifier on the other (see scale-bench.ts)
 *   faults:  what a token request costs while PostgreSQL or Redis hangs, and how soon it serves after (fault-bench.ts)
 *   peers:   client_credentials per signing algorithm and introspection beside oidc-provider, and Tollgate's
 *            client_credentials on PostgreSQL (and with Redis) beside SQLite (oauth-peers-bench.ts)
 *   login:   CPU per JSON login (whole process and main thread) beside raw argon2id and the bound, a bare node:http
 *            server verifying the same hash on a worker thread (login-bench.ts)
 *   gateway-peers: the gateway verifying every request beside HAProxy jwt_verify, and proxying beside nginx
 *            (gateway-peers-bench.ts; skipped with the reason when a binary is missing)
 *   startup: `tollgate start` to first 200 and idle RSS beside oidc-provider, and read-only CLI commands
 *            (startup-bench.ts)
 * The peer sections pin the process under test and the load generator to different cores (pinning.ts), and
 * the run ends with one summary line of Tollgate's ratios to its references (summary.ts).
 * Prints markdown tables and stops everything by itself. BENCH_DURATION_SECONDS (default 10),
 * BENCH_CONNECTIONS (default 10), BENCH_VERIFY_ROUND_MS (default 2000), BENCH_SCALE_SECONDS (default 5) tune a
 * run; `bench.js verify gateway` or BENCH_ONLY=verify,gateway runs only the named sections.
 * `bench.js --soak [--soak-minutes N]` runs only the soak instead (see soak.ts), 10 minutes by default.
 */
import autocannon from 'autocannon';
import { cpus, loadavg, totalmem } from 'node:os';
import { runDashboardBench } from './dashboard-bench.js';
import { runGatewayBench } from './gateway-bench.js';
import { runGatewayPeersBench } from './gateway-peers-bench.js';
import { tollgateIssuers } from './issuers.js';
import { runLoginBench } from './login-bench.js';
import { runOAuthPeersBench } from './oauth-peers-bench.js';
import { runScaleBench } from './scale-bench.js';
import { type BenchServer, startServer } from './server.js';
import { API, seed } from './seed.js';
import { runFaultBench } from './fault-bench.js';
import { runSoak } from './soak.js';
import { runStartupBench } from './startup-bench.js';
import { emptySummary, summaryLine } from './summary.js';
import { type AlgorithmSetup, runVerifyBench } from './verify-bench.js';

const DURATION_SECONDS = Number(process.env.BENCH_DURATION_SECONDS) || 10;
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS) || 10;

interface Scenario {
  name: string;
  path: string;
  body: string;
}

interface Row {
  name: string;
  result: autocannon.Result;
}

/** An API token for the bench client (a service account), made as an operator would: with the CLI. */
async function createApiToken(server: BenchServer, clientId: string): Promise<string> {
  const args = ['tokens', 'create', '--client', clientId, '--name', 'bench', '--api', API, '--scope', 'read:data'];
  const created = JSON.parse(await server.cli(args)) as { secret?: unknown };
  if (typeof created.secret !== 'string') throw new Error('tollgate tokens create printed no secret');
  return created.secret;
}

/** One real request first: a benchmark of 401s would measure nothing. */
async function checkOnce(url: string, authorization: string, body: string): Promise<Record<string, unknown>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
    body,
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}: ${text}`);
  return JSON.parse(text) as Record<string, unknown>;
}

async function measure(server: BenchServer, authorization: string, scenario: Scenario): Promise<Row> {
  await checkOnce(`${server.url}${scenario.path}`, authorization, scenario.body);
  process.stderr.write(`measuring ${scenario.name} for ${DURATION_SECONDS} s with ${CONNECTIONS} connections...\n`);
  const result = await autocannon({
    url: `${server.url}${scenario.path}`,
    method: 'POST',
    headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
    body: scenario.body,
    connections: CONNECTIONS,
    duration: DURATION_SECONDS,
    timeout: 10,
  });
  return { name: scenario.name, result };
}

function table(rows: readonly Row[]): string {
  const lines = [
    '| Scenario | Requests/s | p50 latency (ms) | p99 latency (ms) | Requests | Errors | Non-2xx |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const { name, result } of rows) {
    const errors = result.errors + result.timeouts;
    lines.push(
      `| ${name} | ${result.requests.average.toFixed(0)} | ${result.latency.p50} | ${result.latency.p99} | ${result.requests.total} | ${errors} | ${result.non2xx} |`,
    );
  }
  return lines.join('\n');
}

const DEFAULT_SOAK_MINUTES = 10;

/** `--soak` and `--soak-minutes N` (or `--soak-minutes=N`); the other arguments name sections. */
function parseArguments(argv: readonly string[]): { soakMinutes: number | undefined; sections: string[] } {
  const sections: string[] = [];
  let soak = false;
  let minutes = DEFAULT_SOAK_MINUTES;
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index] as string;
    if (arg === '--soak') soak = true;
    else if (arg === '--soak-minutes' || arg.startsWith('--soak-minutes=')) {
      const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[++index];
      minutes = Number(value);
      soak = true;
      if (!Number.isInteger(minutes) || minutes < 1 || minutes > 24 * 60) {
        throw new TypeError(`--soak-minutes takes a whole number of minutes from 1 to 1440, not ${value}`);
      }
    } else sections.push(arg);
  }
  return { soakMinutes: soak ? minutes : undefined, sections };
}

const ARGUMENTS = parseArguments(process.argv.slice(2));

/** `bench.js scale verify` or BENCH_ONLY=scale,verify picks sections; all of them by default. */
const SECTIONS = (
  ARGUMENTS.sections.length > 0
    ? ARGUMENTS.sections.join(',')
    : (process.env.BENCH_ONLY ?? 'server,verify,gateway,peers,login,gateway-peers,startup,dashboard,scale,faults')
)
  .split(',')
  .map((name) => name.trim());

async function serverSection(server: BenchServer, authorization: string, token: string): Promise<Row[]> {
  return [
    await measure(server, authorization, {
      name: 'client_credentials (client_secret_basic)',
      path: '/token',
      body: 'grant_type=client_credentials',
    }),
    await measure(server, authorization, {
      name: 'introspection (live access token)',
      path: '/introspect',
      body: new URLSearchParams({ token }).toString(),
    }),
  ];
}

async function main(): Promise<number> {
  if (ARGUMENTS.soakMinutes !== undefined) return runSoak(ARGUMENTS.soakMinutes);
  const server = await startServer();
  const issuers = tollgateIssuers();
  const summary = emptySummary();
  try {
    const { authorization, client } = await seed(server);
    const issued = await checkOnce(
      `${server.url}/token`,
      authorization,
      'grant_type=client_credentials&scope=read:data',
    );
    const token = String(issued.access_token);
    const cpu = cpus()[0]?.model ?? 'unknown CPU';
    process.stdout.write(
      `\nTollgate on loopback; Node ${process.version}; ${cpus().length} x ${cpu}; ${(totalmem() / 2 ** 30).toFixed(1)} GiB; ` +
        `load average ${loadavg()
          .map((load) => load.toFixed(2))
          .join(' ')} at the start\n` +
        `${DURATION_SECONDS} s per HTTP scenario, ${CONNECTIONS} connections, load generator on the same machine\n`,
    );
    let failed = false;
    if (SECTIONS.includes('server')) {
      const rows = await serverSection(server, authorization, token);
      failed ||= rows.some((row) => row.result.errors + row.result.timeouts + row.result.non2xx > 0);
      process.stdout.write(`\n### Authorization server, one process\n\n${table(rows)}\n`);
    }
    const setup = { issuer: server.url, audience: API, token, client };
    if (SECTIONS.includes('verify')) {
      const setups: AlgorithmSetup[] = [{ algorithm: 'EdDSA', setup }];
      for (const algorithm of ['ES256', 'RS256'] as const) {
        const { server: issuer, seeded, token: issued } = await issuers.get(algorithm);
        setups.push({ algorithm, setup: { issuer: issuer.url, audience: API, token: issued, client: seeded.client } });
      }
      process.stdout.write(
        `\n### Verify SDK beside jose and fast-jwt, one process\n\n${await runVerifyBench(setups)}\n`,
      );
    }
    if (SECTIONS.includes('gateway')) {
      const gateway = await runGatewayBench(setup, await createApiToken(server, client.clientId));
      failed ||= gateway.failed;
      summary.gatewayRateVsBareProxy = gateway.rateVsBareProxyAccessLogOn;
      summary.gatewayRateFromCpuVsBareProxy = gateway.rateFromCpuVsBareProxyAccessLogOn;
      process.stdout.write(`\n### Gateway, each server in its own process (${gateway.pinning})\n\n${gateway.table}\n`);
      if (gateway.tokenKindsTable !== undefined) {
        process.stdout.write(`\n### Gateway: JWT against API token, same run\n\n${gateway.tokenKindsTable}\n`);
      }
    }
    if (SECTIONS.includes('peers')) {
      const peers = await runOAuthPeersBench(issuers);
      failed ||= peers.failed;
      summary.tokenCpu = peers.tokenCpuRatios;
      summary.introspectionCpu = peers.introspectionCpuRatio;
      summary.postgresTokenCpu = peers.postgresCpuRatio;
      process.stdout.write(`\n### Authorization server beside oidc-provider (${peers.pinning})\n\n${peers.table}\n`);
      summary.tokenBoundCpu = peers.boundCpuRatios;
      process.stdout.write(
        `\n### A token's bound beside Tollgate and oidc-provider, same rounds\n\n${peers.boundTable}\n`,
      );
      const notes = peers.storeSkipped.map((reason) => `\n_${reason}_\n`).join('');
      const table = peers.storeTable === '' ? '' : `\n${peers.storeTable}\n`;
      process.stdout.write(`\n### Authorization server on PostgreSQL beside SQLite, same rounds\n${notes}${table}`);
    }
    if (SECTIONS.includes('login')) {
      const login = await runLoginBench();
      failed ||= login.failed;
      summary.loginVsRawArgon2 = login.vsRawArgon2;
      summary.loginVsBound = login.vsBound;
      process.stdout.write(`\n### JSON login beside argon2id (${login.pinning})\n\n${login.table}\n`);
    }
    if (SECTIONS.includes('gateway-peers')) {
      const peers = await runGatewayPeersBench(issuers);
      failed ||= peers.failed;
      summary.gatewayCpuVsHaproxy = peers.cpuVsHaproxy;
      const notes = peers.skipped.map((reason) => `\n_${reason}_\n`).join('');
      const table = peers.table === '' ? '' : `\n${peers.table}\n`;
      process.stdout.write(`\n### Gateway beside HAProxy and nginx (${peers.pinning})\n${notes}${table}`);
      if (peers.boundTable !== '') {
        summary.gatewayBoundVsHaproxy = peers.boundVsHaproxy;
        process.stdout.write(
          `\n### Gateway against the bound: bare proxy + raw verify, same run\n\n${peers.boundTable}\n`,
        );
      }
    }
    if (SECTIONS.includes('startup')) {
      const startup = await runStartupBench();
      summary.startupVsOidcProvider = startup.startupRatio;
      summary.idleRssVsOidcProvider = startup.idleRssRatio;
      process.stdout.write(`\n### Start-up and CLI (${startup.pinning})\n\n${startup.table}\n`);
    }
    if (SECTIONS.includes('dashboard')) {
      process.stdout.write(`\n### Dashboard, first load on loopback\n\n${await runDashboardBench(server.url)}\n`);
    }
    if (SECTIONS.includes('scale')) {
      const scale = await runScaleBench({ url: server.url, authorization });
      if ('skipped' in scale) {
        process.stdout.write(`\n### Scale-out\n\n_Skipped: ${scale.skipped}_\n`);
      } else {
        failed ||= scale.failed;
        process.stdout.write(
          `\n### Scale-out: SQLite against PostgreSQL, one and two servers\n\n${scale.throughput}\n`,
        );
        process.stdout.write(`\n### Scale-out: revocation propagation across nodes\n\n${scale.propagation}\n`);
      }
    }
    if (SECTIONS.includes('faults')) {
      process.stdout.write(`\n### Faults: a dependency that hangs, and recovery\n\n${await runFaultBench()}\n`);
    }
    process.stdout.write(`\n${summaryLine(summary)}\n`);
    return failed ? 1 : 0;
  } finally {
    await Promise.all([issuers.stop(), server.stop()]);
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
