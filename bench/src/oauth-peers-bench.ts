/**
 * `peers`: Tollgate's authorization server beside oidc-provider (peers/oidc-provider-config.ts), both on SQLite,
 * each in its own process pinned to the server core (pinning.ts), rows taking turns in rounds (rounds.ts):
 *   - client_credentials with client_secret_basic, a JWT access token for the bench API, once per signing
 *     algorithm (EdDSA, ES256, RS256): one Tollgate and one oidc-provider per algorithm;
 *   - introspection (RFC 7662): Tollgate introspecting its JWT against oidc-provider introspecting an opaque
 *     token it stored in SQLite (it cannot introspect its own JWT access tokens);
 *   - in the same rounds, per algorithm, the bound of a token (token-bound.ts: bare node:http, raw node:crypto
 *     signature, nothing looked up): how close to 0.5x oidc-provider any Node server can come in that run;
 *   - in the same rounds, Tollgate's EdDSA client_credentials on PostgreSQL and on PostgreSQL with Redis, beside
 *     Tollgate on SQLite (peer-store-rows.ts).
 * BENCH_PEER_SECONDS (default 2) per target and round, BENCH_PEER_ROUNDS (default 3) rounds.
 */
import { type Child, startChild } from './children.js';
import { ALGORITHMS, type Algorithm, type Issuers, TOKEN_SCOPE } from './issuers.js';
import { formatInteger, markdownTable } from './markdown.js';
import { type MeasuredPair, type Pair, cpuRatio, formatRatio, interleave, peerTable, regroup } from './peer-table.js';
import { PEER_AUTHORIZATION, type OidcProviderPeer, peerToken, startOidcProvider } from './peers/oidc-provider.js';
import { pinLoadGenerator } from './pinning.js';
import { type StoreRows, startStoreRows, storeTable } from './peer-store-rows.js';
import { type LoadTarget, type Measured, measureInRounds } from './rounds.js';
import { API, TOKEN_REQUEST_BODY } from './seed.js';

const SECONDS_PER_ROUND = Number(process.env.BENCH_PEER_SECONDS) || 2;
const ROUNDS = Number(process.env.BENCH_PEER_ROUNDS) || 3;
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS) || 10;
const FORM = 'application/x-www-form-urlencoded';

export interface OAuthPeersReport {
  table: string;
  pinning: string;
  /** Tollgate's CPU per token ÷ oidc-provider's, per algorithm. */
  tokenCpuRatios: Partial<Record<Algorithm, number>>;
  introspectionCpuRatio: number | undefined;
  /** Per algorithm: Tollgate, the bound and oidc-provider side by side. */
  boundTable: string;
  /** The bound's CPU per token ÷ oidc-provider's, per algorithm: the least ratio a Node server reaches. */
  boundCpuRatios: Partial<Record<Algorithm, number>>;
  /** Tollgate on PostgreSQL (and with Redis) beside Tollgate on SQLite, and why rows are missing. */
  storeTable: string;
  storeSkipped: string[];
  /** Tollgate's CPU per token on PostgreSQL ÷ on SQLite (EdDSA). */
  postgresCpuRatio: number | undefined;
  failed: boolean;
}

function post(name: string, url: string, pid: number | undefined, authorization: string, body: string): LoadTarget {
  if (pid === undefined) throw new Error(`${name}: no process id to measure`);
  return { name, url, pid, method: 'POST', headers: { authorization, 'content-type': FORM }, body };
}

async function tokenPair(issuers: Issuers, peer: OidcProviderPeer, algorithm: Algorithm): Promise<Pair<LoadTarget>> {
  const { server, seeded } = await issuers.get(algorithm);
  return {
    ours: post(
      `Tollgate: client_credentials, ${algorithm} JWT`,
      `${server.url}/token`,
      server.pid,
      seeded.authorization,
      TOKEN_REQUEST_BODY,
    ),
    peer: post(
      `oidc-provider: client_credentials, ${algorithm} JWT`,
      `${peer.child.url}/token`,
      peer.child.pid,
      PEER_AUTHORIZATION,
      TOKEN_REQUEST_BODY,
    ),
  };
}

async function introspectionPair(issuers: Issuers, peer: OidcProviderPeer): Promise<Pair<LoadTarget>> {
  const { server, seeded, token } = await issuers.get('EdDSA');
  const opaque = await peerToken(peer.child.url, TOKEN_SCOPE);
  return {
    ours: post(
      'Tollgate: introspection of its EdDSA JWT',
      `${server.url}/introspect`,
      server.pid,
      seeded.authorization,
      new URLSearchParams({ token }).toString(),
    ),
    peer: post(
      'oidc-provider: introspection of an opaque token (SQLite)',
      `${peer.child.url}/token/introspection`,
      peer.child.pid,
      PEER_AUTHORIZATION,
      new URLSearchParams({ token: opaque }).toString(),
    ),
  };
}

async function boundTarget(issuers: Issuers, algorithm: Algorithm, bounds: Child[]): Promise<LoadTarget> {
  const { seeded } = await issuers.get(algorithm);
  const bound = await startChild('token-bound.js', [algorithm, seeded.authorization, API]);
  bounds.push(bound);
  return post(
    `Bound: node:http + raw ${algorithm} signature`,
    `${bound.url}/token`,
    bound.pid,
    seeded.authorization,
    TOKEN_REQUEST_BODY,
  );
}

/** One row per algorithm: Tollgate, the bound and oidc-provider, CPU per token, and the ratios between them. */
function boundsTable(tokenPairs: readonly MeasuredPair[], bounds: readonly Measured[]): string {
  const rows = ALGORITHMS.flatMap((algorithm, index) => {
    const pair = tokenPairs[index];
    const bound = bounds[index];
    if (pair === undefined || bound === undefined) return [];
    const ours = pair.ours.cpuMicrosPerRequest;
    const least = bound.cpuMicrosPerRequest;
    return [
      [
        algorithm,
        formatInteger(ours),
        formatInteger(least),
        formatInteger(pair.peer.cpuMicrosPerRequest),
        formatRatio(least / pair.peer.cpuMicrosPerRequest),
        formatRatio(ours / least),
        formatInteger(ours - least),
        String(bound.failures),
      ],
    ];
  });
  return markdownTable(
    [
      'client_credentials, CPU µs/token',
      'Tollgate',
      'Bound (node:http + raw signature)',
      'oidc-provider',
      'Bound ÷ oidc-provider',
      'Tollgate ÷ bound',
      'Tollgate above bound (µs)',
      'Bound failed',
    ],
    rows,
  );
}

export async function runOAuthPeersBench(issuers: Issuers): Promise<OAuthPeersReport> {
  const peers: OidcProviderPeer[] = [];
  const bounds: Child[] = [];
  const pinning = pinLoadGenerator();
  let stores: StoreRows | undefined;
  try {
    const pairs: Pair<LoadTarget>[] = [];
    const boundTargets: LoadTarget[] = [];
    for (const algorithm of ALGORITHMS) {
      const peer = await startOidcProvider(algorithm);
      peers.push(peer);
      pairs.push(await tokenPair(issuers, peer, algorithm));
      boundTargets.push(await boundTarget(issuers, algorithm, bounds));
    }
    pairs.push(await introspectionPair(issuers, peers[0] as OidcProviderPeer));
    stores = await startStoreRows();
    const targets = [...interleave(pairs), ...boundTargets, ...stores.targets];
    for (const target of targets) pinning.pinServer(target.pid);
    const all = await measureInRounds(targets, {
      label: 'peers',
      rounds: ROUNDS,
      secondsPerRound: SECONDS_PER_ROUND,
      connections: CONNECTIONS,
      warmUpSeconds: 1,
    });
    const measured = regroup(all.slice(0, pairs.length * 2));
    const boundMeasured = all.slice(pairs.length * 2, pairs.length * 2 + boundTargets.length);
    const storeMeasured = all.slice(pairs.length * 2 + boundTargets.length);
    const tokenCpuRatios: Partial<Record<Algorithm, number>> = {};
    const boundCpuRatios: Partial<Record<Algorithm, number>> = {};
    ALGORITHMS.forEach((algorithm, index) => {
      const pair = measured[index];
      const bound = boundMeasured[index];
      if (pair !== undefined) tokenCpuRatios[algorithm] = cpuRatio(pair);
      if (pair !== undefined && bound !== undefined) {
        boundCpuRatios[algorithm] = bound.cpuMicrosPerRequest / pair.peer.cpuMicrosPerRequest;
      }
    });
    const introspection = measured[ALGORITHMS.length];
    // The first pair's own row: Tollgate, EdDSA, on SQLite.
    const sqlite = measured[0]?.ours as Measured;
    const postgres = storeMeasured[0];
    return {
      table: peerTable('POST, one process each, SQLite', measured),
      pinning: pinning.description,
      tokenCpuRatios,
      introspectionCpuRatio: introspection === undefined ? undefined : cpuRatio(introspection),
      boundTable: boundsTable(measured, boundMeasured),
      boundCpuRatios,
      storeTable: storeMeasured.length === 0 ? '' : storeTable(sqlite, storeMeasured),
      storeSkipped: stores.skipped,
      postgresCpuRatio: postgres === undefined ? undefined : postgres.cpuMicrosPerRequest / sqlite.cpuMicrosPerRequest,
      failed:
        measured.some((pair: MeasuredPair) => pair.ours.failures + pair.peer.failures > 0) ||
        boundMeasured.some((row) => row.failures > 0) ||
        storeMeasured.some((row) => row.failures > 0),
    };
  } finally {
    pinning.release();
    await Promise.all([...peers.map((peer) => peer.stop()), ...bounds.map((bound) => bound.stop()), stores?.stop()]);
  }
}
