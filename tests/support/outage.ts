/**
 * The first answer that says the database is gone. A request that needs only clients and APIs is served from
 * core's catalog, which keeps them in memory for at most half a second before it reads them again; so just
 * after the database went such a request may still succeed, and the next read of the catalog turns it to 503.
 * Anything other than 200 or 503 in between fails, as does no 503 within the bound.
 */
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { HttpResult } from './http.js';

export interface FirstUnavailable {
  result: HttpResult;
  /** How long the request that answered 503 took. */
  requestMs: number;
  /** Requests answered 200 before it. */
  servedBefore: number;
}

export async function firstUnavailable(
  send: () => Promise<HttpResult>,
  what: string,
  options: { giveUpMs?: number } = {},
): Promise<FirstUnavailable> {
  const giveUpMs = options.giveUpMs ?? 5_000;
  const started = performance.now();
  let servedBefore = 0;
  for (;;) {
    const sent = performance.now();
    const result = await send();
    const requestMs = performance.now() - sent;
    if (result.status === 503) return { result, requestMs, servedBefore };
    assert.equal(result.status, 200, `${what}: ${result.status} ${result.text.slice(0, 300)}`);
    servedBefore += 1;
    const elapsedMs = performance.now() - started;
    if (elapsedMs > giveUpMs) assert.fail(`${what} still succeeds ${Math.round(elapsedMs)} ms into the outage`);
    await sleep(50);
  }
}
