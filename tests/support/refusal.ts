/**
 * How long something goes on being accepted after a change that takes a bounded while to arrive: a token at a
 * verifier (gateway or SDK-protected API) after its revocation returned 200, or a request at a server after its
 * database went or a CLI removed what it needs. Polls until the first non-200, bounded so a miss fails with a
 * measurement.
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

export interface FirstRefusalOptions {
  /** What the bound counts from; default now. */
  since?: number;
  giveUpMs?: number;
  intervalMs?: number;
  /** The failure when answers are still 200 after `giveUpMs`, given how long it has been. */
  stillAccepted: (elapsedMs: number) => string;
}

/**
 * Sends `send` until an answer is not 200 and returns that answer: the first refusal of a change that takes a bounded
 * while to reach a server or a verifier. A 200 past `giveUpMs` fails; what the refusal must be is the caller's check.
 */
export async function firstNot200(
  send: () => Promise<HttpResult>,
  options: FirstRefusalOptions,
): Promise<Refusal & { requestMs: number }> {
  const since = options.since ?? performance.now();
  const giveUpMs = options.giveUpMs ?? 5_000;
  let accepted = 0;
  for (;;) {
    const sentAt = performance.now();
    const result = await send();
    const answeredAt = performance.now();
    const elapsedMs = answeredAt - since;
    if (result.status !== 200) return { result, elapsedMs, accepted, requestMs: answeredAt - sentAt };
    accepted += 1;
    if (elapsedMs > giveUpMs) assert.fail(options.stillAccepted(Math.round(elapsedMs)));
    await sleep(options.intervalMs ?? 25);
  }
}

export function firstRefusal(
  url: string,
  token: string,
  since: number,
  options: { intervalMs?: number; giveUpMs?: number } = {},
): Promise<Refusal> {
  return firstNot200(() => callWith(url, token), {
    since,
    ...options,
    stillAccepted: (elapsedMs) => `${url} still accepts the token ${elapsedMs} ms after revocation`,
  });
}

export async function assertAccepted(url: string, token: string, what: string): Promise<void> {
  const result = await callWith(url, token);
  assert.equal(result.status, 200, `${what} accepts the token: ${result.status} ${result.text.slice(0, 300)}`);
}
