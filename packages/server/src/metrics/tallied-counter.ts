/**
 * A Prometheus counter bumped on hot paths (every HTTP answer, every token issued, every introspection). prom-client's
 * inc() with labels validates the labels and builds their hash at every call, a visible share of the token endpoint's
 * profile; here each series is a plain number, added to the prom-client counter when it is scraped (its `collect`),
 * so a scrape shows exactly what was counted before it, as before.
 */
import { Counter, type CounterConfiguration, type LabelValues } from 'prom-client';

interface Tally<T extends string> {
  readonly labels: LabelValues<T>;
  count: number;
  reported: number;
}

export class TalliedCounter<T extends string> {
  readonly #counter: Counter<T>;
  readonly #tallies = new Map<string, Tally<T>>();

  constructor(configuration: Omit<CounterConfiguration<T>, 'collect'>) {
    this.#counter = new Counter({ ...configuration, collect: () => this.#report() });
  }

  /**
   * Counts one event of the series `key` names; `labels` makes its labels the first time only. The caller keeps
   * keys to a small fixed set, as the labels must be.
   */
  inc(key: string, labels: () => LabelValues<T>): void {
    const tally = this.#tallies.get(key);
    if (tally === undefined) this.#tallies.set(key, { labels: labels(), count: 1, reported: 0 });
    else tally.count += 1;
  }

  /** Shows the series at 0 from the start, so rate() and increase() see its first event. */
  zero(labels: LabelValues<T>): void {
    this.#counter.inc(labels, 0);
  }

  #report(): void {
    for (const tally of this.#tallies.values()) {
      if (tally.count === tally.reported) continue;
      this.#counter.inc(tally.labels, tally.count - tally.reported);
      tally.reported = tally.count;
    }
  }
}
