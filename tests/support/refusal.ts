/**
 * Measures how long a verifier (gateway or SDK-protected API) goes on accepting a token after its revocation
 * returned 200: polls with the token until the first non-200, bounded so a miss fails with a measurement.
 */
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { type HttpResult, request } from './http.js';

export interface Refusal {
  result: HttpResult;
  /** From `since` to the answer that refused. */
  elapsedMs: number;
  /** Requests still let through in between. */
  accepted: number;
}

export function callWith(url: string, token: string): Promise<HttpResult> {
  return request(url, { headers: { authorization: `Bearer ${token}` } });
}

export async function firstRefusal(
  url: string,
  token: string,
  since: number,
  options: { intervalMs?: number; giveUpMs?: number } = {},
): Promise<Refusal> {
  const giveUpMs = options.giveUpMs ?? 5_000;
  let accepted = 0;
  for (;;) {
    const result = await callWith(url, token);
    const elapsedMs = performance.now() - since;
    if (result.status !== 200) return { result, elapsedMs, accepted };
    accepted += 1;
    if (elapsedMs > giveUpMs)
      assert.fail(`${url} still accepts the token ${Math.round(elapsedMs)} ms after revocation`);
    await sleep(options.intervalMs ?? 25);
  }
}

export async function assertAccepted(url: string, token: string, what: string): Promise<void> {
  const result = await callWith(url, token);
  assert.equal(result.status, 200, `${what} accepts the token: ${result.status} ${result.text.slice(0, 300)}`);
}
