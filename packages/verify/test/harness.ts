/** A verifier wired to a FakeIssuer with a FakeClock, closed automatically after each test. */
import { afterEach } from 'node:test';
import { createVerifier, type Verifier, type VerifierOptions } from '../src/index.js';
import type { FakeIssuer } from './fake-issuer.js';
import { AUDIENCE, type FakeClock } from './support.js';

export const CLIENT = { clientId: 'cli_resource_server', clientSecret: 'rs-secret: with+odd %chars' };

const open: Verifier[] = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((verifier) => verifier.close()));
});

export function verifierFor(issuer: FakeIssuer, clock: FakeClock, extra: Partial<VerifierOptions> = {}): Verifier {
  const verifier = createVerifier({ issuer: issuer.issuer, audience: AUDIENCE, now: clock.now, ...extra });
  open.push(verifier);
  return verifier;
}

/** A fetch that counts requests per path, for servers that are down (nothing to count on their side). */
export function countingFetch(): { fetch: typeof fetch; count: (path: string) => number } {
  const counts = new Map<string, number>();
  return {
    fetch: (input, init) => {
      const path = new URL(String(input)).pathname;
      counts.set(path, (counts.get(path) ?? 0) + 1);
      return globalThis.fetch(input, init);
    },
    count: (path) => counts.get(path) ?? 0,
  };
}
