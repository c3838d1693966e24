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

/** A row and its two ratio cells (CPU per request, rate), empty for the row the others are divided by. */
export interface RatioRow {
  row: Measured;
  ratios: [cpu: string, rate: string];
}

/** Measured rows with two ratio columns, headed `ratioHeaders`. */
export function ratioTable(
  firstHeader: string,
  ratioHeaders: [cpu: string, rate: string],
  rows: readonly RatioRow[],
): string {
  return markdownTable(
    [firstHeader, 'Requests/s', 'p50 (ms)', 'p99 (ms)', 'CPU µs/request', ...ratioHeaders, 'Failed'],
    rows.map(({ row, ratios }) => [
      row.name,
      formatInteger(row.requestsPerSecond),
      String(row.p50),
      String(row.p99),
      formatInteger(row.cpuMicrosPerRequest),
      ...ratios,
      String(row.failures),
    ]),
  );
}

export function peerTable(firstHeader: string, pairs: readonly MeasuredPair[]): string {
  return ratioTable(
    firstHeader,
    ['Tollgate ÷ peer, CPU/request', 'Tollgate ÷ peer, req/s'],
    pairs.flatMap((pair) => [
      { row: pair.ours, ratios: ['', ''] },
      { row: pair.peer, ratios: [formatRatio(cpuRatio(pair)), formatRatio(rateRatio(pair))] },
    ]),
  );
}
