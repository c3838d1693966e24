/**
 * The first answer that says the database is gone. A request that needs only clients and APIs is served from
 * core's catalog, which keeps them in memory for at most half a second before it reads them again; so just after the
 * database went such a request may still succeed, and the next read of the catalog turns it to 503. Every answer
 * before the first refusal is a 200; the caller checks that the refusal is exactly a 503.
 */
import type { HttpResult } from './http.js';
import { firstNot200 } from './refusal.js';

export interface FirstUnavailable {
  result: HttpResult;
  /** How long the request that was refused took. */
  requestMs: number;
  /** Requests answered 200 before it. */
  servedBefore: number;
}

export async function firstUnavailable(
  send: () => Promise<HttpResult>,
  what: string,
  options: { giveUpMs?: number } = {},
): Promise<FirstUnavailable> {
  const { result, requestMs, accepted } = await firstNot200(send, {
    ...options,
    intervalMs: 50,
    stillAccepted: (elapsedMs) => `${what} still succeeds ${elapsedMs} ms into the outage`,
  });
  return { result, requestMs, servedBefore: accepted };
}
