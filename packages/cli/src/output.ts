/** Human and `--json` output. JSON goes to stdout alone, so scripts can pipe it; notes go to stderr. */
import type { Writable } from 'node:stream';

export interface Streams {
  stdout: Writable;
  stderr: Writable;
}

export function printJson(streams: Streams, value: unknown): void {
  streams.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function printLines(streams: Streams, ...lines: string[]): void {
  streams.stdout.write(`${lines.join('\n')}\n`);
}

export function warn(streams: Streams, message: string): void {
  streams.stderr.write(`tollgate: warning: ${message}\n`);
}

/** A plain aligned table: header row, then one row per item. */
export function printTable(streams: Streams, headers: readonly string[], rows: readonly (readonly string[])[]): void {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const format = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
  printLines(streams, format(headers), ...rows.map(format));
}

/** Epoch seconds as an ISO 8601 UTC timestamp without milliseconds. */
export function formatTime(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().replace('.000Z', 'Z');
}

export function formatList(values: readonly string[] | null, empty = '-'): string {
  if (values === null) return 'all';
  return values.length === 0 ? empty : values.join(' ');
}

/** A word for a POSIX shell command line the operator copies: quoted unless plainly safe. */
export function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}
