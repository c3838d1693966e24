/** How times, durations and lists read on every page. Epoch seconds in, text for people out. */

const DAY_SECONDS = 86_400;

export function formatTime(epochSeconds: number | null): string {
  if (epochSeconds === null) return '—';
  return new Date(epochSeconds * 1000).toLocaleString(undefined, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
}

export function formatDate(epochSeconds: number | null): string {
  if (epochSeconds === null) return 'Never';
  return new Date(epochSeconds * 1000).toLocaleDateString(undefined, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
  });
}

/** "90 days", "1 hour", "15 minutes": the largest unit that divides the duration evenly. */
export function formatDuration(seconds: number): string {
  const units: [number, string][] = [
    [DAY_SECONDS, 'day'],
    [3600, 'hour'],
    [60, 'minute'],
    [1, 'second'],
  ];
  for (const [size, name] of units) {
    if (seconds >= size && seconds % size === 0) {
      const count = seconds / size;
      return `${count} ${name}${count === 1 ? '' : 's'}`;
    }
  }
  return `${seconds} seconds`;
}

export function formatList(values: readonly string[] | null, empty = '—'): string {
  if (values === null || values.length === 0) return empty;
  return values.join(' ');
}

/** Space- or comma-separated scopes from a text field, without duplicates. */
export function parseScopes(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter((scope) => scope !== ''))];
}

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);
export { DAY_SECONDS };
