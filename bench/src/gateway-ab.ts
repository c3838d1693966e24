/**
 * Before and after, side by side: the gateway of another built tree (`before`, e.g. a `git worktree` of main, built)
 * against this tree's (`after`), both pinned to the server core and taking turns in the same rounds as the bare
 * node:http + undici proxy (bare-proxy.ts, issue 12's baseline; rounds.ts), in five scenes:
 *   - `public`: a public route, access log on (the proxying alone, what the bare proxy does plus the log);
 *   - `log on`: one token, access log on (issue 12's req/s target: ÷ the bare proxy);
 *   - `log off`: one token, access log off;
 *   - `ES256` and `RS256`: access log off, BENCH_GATEWAY_TOKENS distinct tokens taken in turn (every request verifies).
 * Each round is its own measureInRounds() of one round, in an order rotated by one each time, so that the ratios of
 * one round (after ÷ before, ÷ the bare proxy), taken seconds apart, can be paired: the medians of those per-round
 * ratios are printed beside each row's median CPU µs per request and req/s. On a machine shared with others' builds
 * the paired ratios are the steady figures.
 *
 * Usage: node bench/dist/src/gateway-ab.js <before tree> [rounds] [scene,...]
 *        (BENCH_PEER_SECONDS seconds per turn, default 2; scenes: public, log-on, log-off, ES256, RS256; default all)
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Child, profilingArguments, startChild } from './children.js';
import { type GatewayVariant, gatewayConfig } from './gateway-bench.js';
import { tollgateIssuers } from './issuers.js';
import { formatInteger, markdownTable, median } from './markdown.js';
import { pinLoadGenerator } from './pinning.js';
import { type LoadTarget, type Measured, measureInRounds } from './rounds.js';
import { API } from './seed.js';

const BEFORE_TREE = resolve(process.argv[2] ?? '');
const ROUNDS = Number(process.argv[3]) || 7;
const SECONDS_PER_ROUND = Number(process.env.BENCH_PEER_SECONDS) || 2;
const TOKENS = Number(process.env.BENCH_GATEWAY_TOKENS) || 12_000;
const HERE = dirname(fileURLToPath(import.meta.url));

type Scene = 'public' | 'log on' | 'log off' | 'ES256' | 'RS256';
const ALL_SCENES: readonly Scene[] = ['public', 'log on', 'log off', 'ES256', 'RS256'];
const SCENES = ALL_SCENES.filter(
  (scene) => process.argv[4] === undefined || process.argv[4].split(',').includes(scene.replace(' ', '-')),
);

/** startChild forks scripts beside this one: the other tree's runner is reached by a relative path. */
function runnerOf(tree: 'before' | 'after'): string {
  if (tree === 'after') return 'gateway-runner.js';
  return relative(HERE, join(BEFORE_TREE, 'bench', 'dist', 'src', 'gateway-runner.js'));
}

function target(name: string, child: Child, authorizations: readonly string[]): LoadTarget {
  if (child.pid === undefined) throw new Error(`${name}: no process id`);
  return { name, url: `${child.url}/data`, pid: child.pid, authorizations };
}

async function main(): Promise<void> {
  const issuers = tollgateIssuers();
  const pinning = pinLoadGenerator();
  const started: Child[] = [];
  const keep = (child: Child) => {
    started.push(child);
    return child;
  };
  const directory = mkdtempSync(join(tmpdir(), 'tollgate-bench-gateway-ab-'));
  try {
    const upstream = keep(await startChild('bench-upstream.js', []));
    pinning.pinHelper(upstream.pid);
    const targets: LoadTarget[] = [];
    for (const scene of SCENES) {
      const algorithm = scene === 'RS256' ? 'RS256' : 'ES256';
      const issuer = await issuers.get(algorithm);
      const many = scene === 'ES256' || scene === 'RS256';
      const authorizations = many
        ? (await issuer.issueTokens(TOKENS)).map((token) => `Bearer ${token}`)
        : [`Bearer ${issuer.token}`];
      const logOn = scene === 'log on' || scene === 'public';
      const variant: GatewayVariant = { name: scene, logLevel: logOn ? 'info' : 'warn', public: scene === 'public' };
      const setup = { issuer: issuer.server.url, audience: API, token: issuer.token, client: issuer.seeded.client };
      for (const tree of ['before', 'after'] as const) {
        const folder = join(directory, `${scene.replace(' ', '-')}-${tree}`);
        mkdirSync(folder);
        const config = gatewayConfig(folder, setup, upstream.url, variant);
        const child = keep(await startChild(runnerOf(tree), [config], profilingArguments()));
        targets.push(target(`${scene}, ${tree}`, child, authorizations));
      }
    }
    const bare = keep(await startChild('bare-proxy.js', [upstream.url, 'undici']));
    targets.push(target('bare node:http + undici proxy', bare, [`Bearer ${(await issuers.get('ES256')).token}`]));
    for (const each of targets) pinning.pinServer(each.pid);
    const rounds: Measured[][] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const order = targets.map((_, index) => (index + round) % targets.length);
      const measured = await measureInRounds(
        order.map((index) => targets[index] as LoadTarget),
        {
          label: `gateway before/after, round ${round + 1}/${ROUNDS}:`,
          rounds: 1,
          secondsPerRound: SECONDS_PER_ROUND,
          connections: Number(process.env.BENCH_CONNECTIONS) || 10,
          warmUpSeconds: 1,
        },
      );
      const inOrder = new Array<Measured>(targets.length);
      order.forEach((index, position) => {
        inOrder[index] = measured[position] as Measured;
      });
      rounds.push(inOrder);
    }
    process.stdout.write(`\n${pinning.description}; ${ROUNDS} rounds of ${SECONDS_PER_ROUND} s per row\n\n`);
    process.stdout.write(`${render(rounds)}\n`);
    if (process.env.BENCH_AB_ROUNDS_FILE !== undefined) {
      writeFileSync(process.env.BENCH_AB_ROUNDS_FILE, JSON.stringify(rounds, null, 1));
    }
  } finally {
    pinning.release();
    await Promise.all(started.map((child) => child.stop()));
    await issuers.stop();
    rmSync(directory, { recursive: true, force: true });
  }
}

/** Medians over rounds: of each row's figures, and of the ratios taken within one round. */
function render(rounds: readonly (readonly Measured[])[]): string {
  const first = rounds[0] ?? [];
  const bareIndex = first.length - 1;
  const across = (pick: (round: readonly Measured[]) => number) => median(rounds.map(pick));
  const cpu = (index: number) => (round: readonly Measured[]) => (round[index] as Measured).cpuMicrosPerRequest;
  const rate = (index: number) => (round: readonly Measured[]) => (round[index] as Measured).requestsPerSecond;
  const table: string[][] = [];
  for (let index = 0; index < bareIndex; index++) {
    const after = index % 2 === 1;
    const vsBare = across((round) => rate(index)(round) / rate(bareIndex)(round));
    const vsBefore = after ? across((round) => cpu(index)(round) / cpu(index - 1)(round)) : undefined;
    table.push([
      first[index]?.name ?? '',
      formatInteger(across(rate(index))),
      formatInteger(across(cpu(index))),
      vsBare.toFixed(2),
      vsBefore === undefined ? '' : vsBefore.toFixed(2),
      String(rounds.reduce((sum, round) => sum + (round[index] as Measured).failures, 0)),
    ]);
  }
  table.push([
    first[bareIndex]?.name ?? '',
    formatInteger(across(rate(bareIndex))),
    formatInteger(across(cpu(bareIndex))),
    '1.00',
    '',
    '0',
  ]);
  return markdownTable(
    [
      'Row',
      'Requests/s (median)',
      'CPU µs/request (median)',
      'req/s ÷ bare proxy (median of rounds)',
      'CPU after ÷ before (median of rounds)',
      'Failed',
    ],
    table,
  );
}

await main();
