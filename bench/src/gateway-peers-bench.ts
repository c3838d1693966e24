/**
 * `gateway-peers`: the Tollgate gateway beside the gateways people compare it with, on the same upstream:
 *   - HAProxy `jwt_verify` (peers/haproxy.ts) against the Tollgate gateway with its access log off, ES256 and
 *     RS256, every request verifying: BENCH_GATEWAY_TOKENS (default 12,000) distinct tokens taken in turn, more
 *     than the gateway's verification cache holds (10,000), so no request is answered from it;
 *   - nginx as a plain proxy (peers/nginx.ts) against the Tollgate gateway's public route (no token check);
 *   - the two bare proxies (bare-proxy.ts: node:http with undici, and with node:http's own client) in the same
 *     rounds, sent the same tokens; the cheaper one's CPU per request plus that of a raw crypto.verify is the least a
 *     Node gateway can spend (gateway-bound.ts).
 * BENCH_GATEWAY_CPU_PROF_DIR runs each Tollgate gateway under `node --cpu-prof` into that folder, to profile it.
 * The gateway or proxy under test is pinned to the server core, autocannon and the upstream to the other
 * (pinning.ts); rows take turns in rounds (rounds.ts). A missing binary skips its rows with the reason.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Child, profilingArguments, startChild } from './children.js';
import { type BoundRow, boundOf, boundTable, cheapest, rawVerifyMicros } from './gateway-bound.js';
import { type GatewayVariant, gatewayConfig } from './gateway-bench.js';
import { type Issuer, type Issuers, TOKEN_SCOPE } from './issuers.js';
import { type Pair, cpuRatio, interleave, peerTable, regroup } from './peer-table.js';
import { haproxyBinary, haproxyVersion, startHaproxyJwt } from './peers/haproxy.js';
import { nginxBinary, nginxVersion, startNginx } from './peers/nginx.js';
import { pinLoadGenerator } from './pinning.js';
import { type LoadTarget, measureInRounds } from './rounds.js';
import { freePort } from './scale-infra.js';
import { API } from './seed.js';
import { publicKeyOf } from './verify-bench.js';

const TOKENS = Number(process.env.BENCH_GATEWAY_TOKENS) || 12_000;
const SECONDS_PER_ROUND = Number(process.env.BENCH_PEER_SECONDS) || 2;
const ROUNDS = Number(process.env.BENCH_PEER_ROUNDS) || 3;
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS) || 10;
const JWT_ALGORITHMS = ['ES256', 'RS256'] as const;
/** bare-proxy.ts's client argument, and its row's name. */
const BARE_PROXIES = [
  ['undici', 'node:http + undici'],
  ['node-http', 'node:http + node:http client'],
] as const;
type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];

export interface GatewayPeersReport {
  table: string;
  pinning: string;
  /** Why rows are missing, one reason a line. */
  skipped: string[];
  /** Gateway CPU per request ÷ HAProxy's, every request verifying. */
  cpuVsHaproxy: Partial<Record<JwtAlgorithm, number>>;
  /** (Cheaper bare proxy + raw crypto.verify) CPU ÷ HAProxy's: the lowest ratio a Node gateway can reach. */
  boundVsHaproxy: Partial<Record<JwtAlgorithm, number>>;
  /** The bound's parts beside the gateway and HAProxy; empty without HAProxy rows. */
  boundTable: string;
  failed: boolean;
}

interface Started {
  stop(): Promise<void>;
}

/** The same token's header and payload with another token's signature: well formed, wrongly signed. */
function forged(token: string, other: string): string {
  return `${token.slice(0, token.lastIndexOf('.'))}${other.slice(other.lastIndexOf('.'))}`;
}

async function expectRefusal(target: LoadTarget, authorization: string): Promise<void> {
  const response = await fetch(target.url, { headers: { authorization }, signal: AbortSignal.timeout(15_000) });
  await response.arrayBuffer();
  if (response.status !== 401) throw new Error(`${target.name} let a forged token through (${response.status})`);
}

/** Starts a peer; when it cannot start (too old a version, say), its rows are skipped with the reason. */
async function startOrSkip<T>(skipped: string[], rows: string, start: () => Promise<T>): Promise<T | undefined> {
  try {
    return await start();
  } catch (error) {
    skipped.push(`${rows} skipped: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}

function target(name: string, url: string, pid: number | undefined, authorizations?: readonly string[]): LoadTarget {
  if (pid === undefined) throw new Error(`${name}: no process id to measure`);
  return { name, url: `${url}/data`, pid, ...(authorizations === undefined ? {} : { authorizations }) };
}

function withoutScheme(authorization: string): string {
  return authorization.slice('Bearer '.length);
}

export async function runGatewayPeersBench(issuers: Issuers): Promise<GatewayPeersReport> {
  const haproxy = haproxyBinary();
  const nginx = nginxBinary();
  const skipped: string[] = [];
  if (haproxy === undefined) skipped.push('HAProxy rows skipped: no haproxy binary (apt-get install haproxy)');
  if (nginx === undefined) skipped.push('nginx row skipped: no nginx binary (apt-get install nginx-light)');
  const directory = mkdtempSync(join(tmpdir(), 'tollgate-bench-gateway-peers-'));
  const started: Started[] = [];
  const pinning = pinLoadGenerator();
  const keep = <T extends Started>(process: T): T => {
    started.push(process);
    return process;
  };
  const gateway = async (name: string, issuer: Issuer, upstream: Child, variant: GatewayVariant) => {
    const setup = { issuer: issuer.server.url, audience: API, token: issuer.token, client: issuer.seeded.client };
    const folder = join(directory, name);
    mkdirSync(folder);
    const config = gatewayConfig(folder, setup, upstream.url, variant);
    return keep(await startChild('gateway-runner.js', [config], profilingArguments()));
  };
  try {
    const upstream = keep(await startChild('bench-upstream.js', []));
    pinning.pinHelper(upstream.pid);
    const pairs: { algorithm: JwtAlgorithm | undefined; pair: Pair<LoadTarget> }[] = [];
    const rawVerify: Partial<Record<JwtAlgorithm, number>> = {};
    for (const algorithm of haproxy === undefined ? [] : JWT_ALGORITHMS) {
      const issuer = await issuers.get(algorithm);
      const publicKey = await publicKeyOf(issuer.server.url, issuer.token);
      const peer = await startOrSkip(skipped, `HAProxy ${algorithm} row`, async () =>
        keep(
          await startHaproxyJwt(haproxy as string, {
            directory,
            port: await freePort(),
            upstream: upstream.url,
            algorithm,
            publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
            issuer: issuer.server.url,
            audience: API,
            scope: TOKEN_SCOPE,
          }),
        ),
      );
      if (peer === undefined) continue;
      process.stderr.write(`making ${TOKENS} distinct ${algorithm} tokens for the gateway rows...\n`);
      const authorizations = (await issuer.issueTokens(TOKENS)).map((token) => `Bearer ${token}`);
      const ours = await gateway(algorithm, issuer, upstream, { name: algorithm, logLevel: 'warn', public: false });
      const pair = {
        ours: target(`Tollgate gateway, ${algorithm}, every request verifies`, ours.url, ours.pid, authorizations),
        peer: target(
          `${haproxyVersion(haproxy as string)} jwt_verify, ${algorithm}`,
          peer.url,
          peer.pid,
          authorizations,
        ),
      };
      const wronglySigned = `Bearer ${forged(issuer.token, authorizations[1]?.slice('Bearer '.length) ?? '')}`;
      await expectRefusal(pair.ours, wronglySigned);
      await expectRefusal(pair.peer, wronglySigned);
      pairs.push({ algorithm, pair });
      process.stderr.write(`measuring raw crypto.verify of the ${algorithm} tokens...\n`);
      rawVerify[algorithm] = rawVerifyMicros(algorithm, publicKey, authorizations.map(withoutScheme));
    }
    const peer =
      nginx === undefined
        ? undefined
        : await startOrSkip(skipped, 'nginx row', async () =>
            keep(await startNginx(nginx, { directory, port: await freePort(), upstream: upstream.url })),
          );
    if (nginx !== undefined && peer !== undefined) {
      const issuer = await issuers.get('ES256');
      const ours = await gateway('public', issuer, upstream, { name: 'public', logLevel: 'warn', public: true });
      const pair = {
        ours: target('Tollgate gateway, public route (no token check)', ours.url, ours.pid),
        peer: target(`${nginxVersion(nginx)}, plain proxy`, peer.url, peer.pid),
      };
      pairs.push({ algorithm: undefined, pair });
    }
    if (pairs.length === 0) {
      const none = { cpuVsHaproxy: {}, boundVsHaproxy: {}, boundTable: '' };
      return { table: '', pinning: pinning.description, skipped, ...none, failed: false };
    }
    const bareTargets: LoadTarget[] = [];
    for (const [client, name] of BARE_PROXIES) {
      const bare = keep(await startChild('bare-proxy.js', [upstream.url, client]));
      bareTargets.push(target(name, bare.url, bare.pid, pairs[0]?.pair.ours.authorizations));
    }
    // Last, so regroup() pairs the others as before and leaves them out.
    const targets = [...interleave(pairs.map(({ pair }) => pair)), ...bareTargets];
    for (const each of targets) pinning.pinServer(each.pid);
    const rows = await measureInRounds(targets, {
      label: 'gateway peers',
      rounds: ROUNDS,
      secondsPerRound: SECONDS_PER_ROUND,
      connections: CONNECTIONS,
      warmUpSeconds: 1,
    });
    const measured = regroup(rows.slice(0, rows.length - bareTargets.length));
    const bareProxies = rows.slice(rows.length - bareTargets.length);
    const bareProxy = cheapest(bareProxies);
    const cpuVsHaproxy: Partial<Record<JwtAlgorithm, number>> = {};
    const boundVsHaproxy: Partial<Record<JwtAlgorithm, number>> = {};
    const boundRows: BoundRow[] = [];
    pairs.forEach(({ algorithm }, index) => {
      const pair = measured[index];
      const raw = algorithm === undefined ? undefined : rawVerify[algorithm];
      if (algorithm === undefined || pair === undefined || raw === undefined) return;
      cpuVsHaproxy[algorithm] = cpuRatio(pair);
      const row = { algorithm, gateway: pair.ours, haproxy: pair.peer, rawVerifyMicros: raw };
      boundRows.push(row);
      boundVsHaproxy[algorithm] = boundOf(row, bareProxy).boundVsHaproxy;
    });
    return {
      table: peerTable('GET /data, access logs off', measured),
      pinning: pinning.description,
      skipped,
      cpuVsHaproxy,
      boundVsHaproxy,
      boundTable: boundRows.length === 0 ? '' : boundTable(boundRows, bareProxies),
      failed: rows.some((row) => row.failures > 0),
    };
  } finally {
    pinning.release();
    await Promise.all(started.map((each) => each.stop()));
    rmSync(directory, { recursive: true, force: true });
  }
}
