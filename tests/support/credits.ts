/**
 * Helpers for API-token credits: a burst of concurrent requests with one token over a bounded pool of connections,
 * and the server's test clock (TOLLGATE_TEST_CLOCK_FILE), moved forward instead of waiting for a UTC midnight.
 */
import { writeFile } from 'node:fs/promises';
import { Agent, fetch as undiciFetch } from 'undici';

export interface BurstAnswer {
  status: number;
  headers: Headers;
  body: string;
}

/**
 * `count` requests at once with `token`, over at most `connections` sockets; generous timeouts, since a thousand
 * requests queue behind each other. Modest by default: each admitted request makes its verifier call the server,
 * whose answer must come within the SDK's 5 s even on a loaded 2-core machine, or the request fails closed (503).
 */
export async function burst(
  urls: readonly string[],
  token: string,
  count: number,
  connections = 16,
): Promise<BurstAnswer[]> {
  const agent = new Agent({ connections, headersTimeout: 120_000, bodyTimeout: 120_000 });
  try {
    return await Promise.all(
      Array.from({ length: count }, async (_, index) => {
        const url = urls[index % urls.length] as string;
        const response = await undiciFetch(url, { headers: { authorization: `Bearer ${token}` }, dispatcher: agent });
        return {
          status: response.status,
          headers: response.headers as unknown as Headers,
          body: await response.text(),
        };
      }),
    );
  } finally {
    await agent.close();
  }
}

/** How many answers had each status, e.g. `{ 200: 100, 429: 900 }`. */
export function statusCounts(answers: readonly BurstAnswer[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const { status } of answers) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}

/** The server's clock, moved only forward by rewriting its offset file. */
export class ServerClock {
  #offsetMs = 0;
  constructor(readonly file: string) {}

  /** The server's time now, epoch milliseconds (the offset is what the server adds to its own Date.now()). */
  nowMs(): number {
    return Date.now() + this.#offsetMs;
  }

  async advance(byMs: number): Promise<void> {
    this.#offsetMs += byMs;
    await writeFile(this.file, String(this.#offsetMs));
  }
}

/** The first UTC midnight after `epochMs`, in epoch seconds. */
export function nextUtcMidnight(epochMs: number): number {
  return (Math.floor(epochMs / 86_400_000) + 1) * 86_400;
}
