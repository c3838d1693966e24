/** Markdown tables for the benchmark's report. */
export function markdownTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  rightAligned = 1,
): string {
  const align = headers.map((_, column) => (column < rightAligned ? '---' : '---:'));
  return [headers, align, ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

export function formatInteger(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

export function formatPercent(value: number): string {
  return `${value.toFixed(1)} %`;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}
