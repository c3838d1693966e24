/**
 * The physical bound of a Node gateway that verifies every request, measured in the `gateway-peers` run itself:
 * the CPU per request of the cheaper of the two bare proxies (bare-proxy.ts, no auth at all, node:http with undici
 * and with node:http's own client, both taking their turns in the same rounds as the gateway and HAProxy) plus the CPU of one raw node:crypto signature check (no header, claim or key
 * checks) over the same distinct tokens. No Node gateway can spend less than that sum per request, so the sum ÷
 * HAProxy's CPU per request is the lowest ratio to HAProxy reachable without leaving Node, and the gateway's
 * distance above the sum is what its own code costs.
 */
import type { KeyObject } from 'node:crypto';
import { formatInteger, markdownTable, median } from './markdown.js';
import { formatRatio } from './peer-table.js';
import type { Measured } from './rounds.js';
import { rawTokenVerifier } from './verify-bench.js';

const PASSES = 5;
/** Tokens per pass: enough CPU time (about 0.2 s of ES256) to read from process.cpuUsage, little enough to stay short. */
const TOKENS_PER_PASS = 3_000;

function cpuMicros(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

/**
 * Median CPU µs of one raw signature check, over passes through `tokens` (each a distinct signature, as the gateway
 * sees them), in this process while no load runs.
 */
export function rawVerifyMicros(algorithm: 'ES256' | 'RS256', publicKey: KeyObject, tokens: readonly string[]): number {
  const verify = rawTokenVerifier(algorithm, publicKey);
  const count = Math.min(tokens.length, TOKENS_PER_PASS);
  const samples: number[] = [];
  for (let pass = 0; pass <= PASSES; pass++) {
    const started = cpuMicros();
    for (let index = 0; index < count; index++) {
      if (!verify(tokens[index] as string)) throw new Error(`raw ${algorithm} verification of an issued token failed`);
    }
    // The first pass warms up (JIT, OpenSSL's method caches) and is not counted.
    if (pass > 0) samples.push((cpuMicros() - started) / count);
  }
  return median(samples);
}

export interface BoundRow {
  algorithm: 'ES256' | 'RS256';
  gateway: Measured;
  haproxy: Measured;
  rawVerifyMicros: number;
}

export interface Bound {
  /** (bare proxy + raw verify) ÷ HAProxy: the lowest CPU ratio a Node gateway can reach. */
  boundVsHaproxy: number;
  /** The gateway's CPU per request ÷ the bound. */
  gatewayVsBound: number;
}

/** Of the bare proxies measured in the same rounds, the one that spent the least CPU per request. */
export function cheapest(bareProxies: readonly Measured[]): Measured {
  const [first, ...rest] = bareProxies;
  if (first === undefined) throw new Error('no bare proxy measured');
  return rest.reduce((least, each) => (each.cpuMicrosPerRequest < least.cpuMicrosPerRequest ? each : least), first);
}

export function boundOf(row: BoundRow, bareProxy: Measured): Bound {
  const bound = bareProxy.cpuMicrosPerRequest + row.rawVerifyMicros;
  return {
    boundVsHaproxy: bound / row.haproxy.cpuMicrosPerRequest,
    gatewayVsBound: row.gateway.cpuMicrosPerRequest / bound,
  };
}

/** `bareProxies`: each bare proxy of the same rounds; the bound takes the cheapest and the table says which. */
export function boundTable(rows: readonly BoundRow[], bareProxies: readonly Measured[]): string {
  const bareProxy = cheapest(bareProxies);
  const others = bareProxies
    .filter((each) => each !== bareProxy)
    .map((each) => `; ${each.name}: ${formatInteger(each.cpuMicrosPerRequest)}`)
    .join('');
  return markdownTable(
    [
      'Every request verifies',
      'Cheaper bare proxy CPU µs/request',
      'Raw crypto.verify CPU µs',
      'Bound µs (sum)',
      'HAProxy CPU µs/request',
      'Bound ÷ HAProxy',
      'Gateway CPU µs/request',
      'Gateway ÷ HAProxy',
      'Gateway ÷ bound',
      'Gateway above bound (µs)',
    ],
    rows.map((row) => {
      const bound = bareProxy.cpuMicrosPerRequest + row.rawVerifyMicros;
      const { boundVsHaproxy, gatewayVsBound } = boundOf(row, bareProxy);
      return [
        row.algorithm,
        `${formatInteger(bareProxy.cpuMicrosPerRequest)} (${bareProxy.name}${others})`,
        row.rawVerifyMicros.toFixed(1),
        formatInteger(bound),
        formatInteger(row.haproxy.cpuMicrosPerRequest),
        formatRatio(boundVsHaproxy),
        formatInteger(row.gateway.cpuMicrosPerRequest),
        formatRatio(row.gateway.cpuMicrosPerRequest / row.haproxy.cpuMicrosPerRequest),
        formatRatio(gatewayVsBound),
        formatInteger(row.gateway.cpuMicrosPerRequest - bound),
      ];
    }),
  );
}
