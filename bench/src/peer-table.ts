/**
 * Tollgate rows beside their peers' rows, measured in the same rounds (rounds.ts). Each peer row carries its
 * ratio to ours: Tollgate's CPU per request ÷ the peer's (above 1x, Tollgate spends more) and Tollgate's rate ÷
 * the peer's.
 */
import { formatInteger, markdownTable } from './markdown.js';
import type { LoadTarget, Measured } from './rounds.js';

export interface Pair<T> {
  ours: T;
  peer: T;
}

export type MeasuredPair = Pair<Measured>;

export function formatRatio(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '—';
  return `${value.toFixed(2)}x`;
}

export function cpuRatio(pair: MeasuredPair): number {
  return pair.ours.cpuMicrosPerRequest / pair.peer.cpuMicrosPerRequest;
}

export function rateRatio(pair: MeasuredPair): number {
  return pair.ours.requestsPerSecond / pair.peer.requestsPerSecond;
}

/** Flattens pairs into the order the rounds take them: ours, peer, ours, peer... */
export function interleave(pairs: readonly Pair<LoadTarget>[]): LoadTarget[] {
  return pairs.flatMap((pair) => [pair.ours, pair.peer]);
}

/** The inverse of interleave, on what the rounds measured. */
export function regroup(measured: readonly Measured[]): MeasuredPair[] {
  const pairs: MeasuredPair[] = [];
  for (let index = 0; index + 1 < measured.length; index += 2) {
    pairs.push({ ours: measured[index] as Measured, peer: measured[index + 1] as Measured });
  }
  return pairs;
}

export function peerTable(firstHeader: string, pairs: readonly MeasuredPair[]): string {
  const cells = (row: Measured, ratios: [string, string]) => [
    row.name,
    formatInteger(row.requestsPerSecond),
    String(row.p50),
    String(row.p99),
    formatInteger(row.cpuMicrosPerRequest),
    ...ratios,
    String(row.failures),
  ];
  return markdownTable(
    [
      firstHeader,
      'Requests/s',
      'p50 (ms)',
      'p99 (ms)',
      'CPU µs/request',
      'Tollgate ÷ peer, CPU/request',
      'Tollgate ÷ peer, req/s',
      'Failed',
    ],
    pairs.flatMap((pair) => [
      cells(pair.ours, ['', '']),
      cells(pair.peer, [formatRatio(cpuRatio(pair)), formatRatio(rateRatio(pair))]),
    ]),
  );
}
