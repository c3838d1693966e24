import type { ApiTokenUsageEntry, ApiTokenUsageRow } from '../../storage/index.js';
import { compareText } from './records.js';

/** Per (token, API, UTC day) counts of API-token uses; kept when the token goes, as the SQL stores keep them. */
export class ApiTokenUsage {
  readonly #rows = new Map<string, ApiTokenUsageRow>();

  add(tokenId: string, entry: ApiTokenUsageEntry): void {
    const key = JSON.stringify([tokenId, entry.api, entry.day]);
    const row = this.#rows.get(key);
    if (row === undefined) this.#rows.set(key, { tokenId, api: entry.api, day: entry.day, count: entry.count });
    else row.count += entry.count;
  }

  /** Days are `YYYY-MM-DD`, so text order is date order; token and API only make the order stable. */
  list(filter: { fromDay: string; tokenId?: string; api?: string }): ApiTokenUsageRow[] {
    return [...this.#rows.values()]
      .filter(
        (row) =>
          row.day >= filter.fromDay &&
          (filter.tokenId === undefined || row.tokenId === filter.tokenId) &&
          (filter.api === undefined || row.api === filter.api),
      )
      .sort((a, b) => compareText(a.day, b.day) || compareText(a.tokenId, b.tokenId) || compareText(a.api, b.api))
      .map((row) => ({ ...row }));
  }
}
