/**
 * A Tollgate for the client tests: a server on a test clock (TOLLGATE_TEST_CLOCK_FILE) with a one-minute API, a
 * user, a service client, and three APIs protected by the verify SDK whose clocks move with the server's: one
 * the user may read, one needing a scope the user lacks, and one for another audience, which refuses every token.
 * Time passes by moving clocks, never by waiting.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClientCredentials } from './http.js';
import { type ProtectedApi, startProtectedApi } from './protected.js';
import { addApi, addClient, addUser } from './seed.js';
import { startTollgate, type TollgateProcess } from './tollgate.js';

export const SHORT_API = 'https://api.example.com/short';
const OTHER_API = 'https://api.example.com/other';
/** The shortest lifetime an API may give its tokens. */
export const TOKEN_TTL_SECONDS = 60;

export interface ClientWorld {
  server: TollgateProcess;
  user: { username: string; password: string };
  /** May use client_credentials for read:data. */
  service: ClientCredentials;
  /** Needs read:data. */
  readApi: ProtectedApi;
  /** Needs write:data, which the user lacks. */
  writeApi: ProtectedApi;
  /** Expects tokens for another API: every token is invalid_token there. */
  otherAudienceApi: ProtectedApi;
  /** Moves the server's clock and the APIs' forward by `ms`. */
  advanceServerClock(ms: number): Promise<void>;
  stop(): Promise<void>;
}

/** A clock a test moves by hand: the client's `now`. */
export interface MovableClock {
  now(): number;
  advance(ms: number): void;
  /** How far ahead of the system clock it is. */
  offsetMs(): number;
}

export function movableClock(): MovableClock {
  let offsetMs = 0;
  return {
    now: () => Date.now() + offsetMs,
    advance: (ms) => {
      offsetMs += ms;
    },
    offsetMs: () => offsetMs,
  };
}

export async function startClientWorld(): Promise<ClientWorld> {
  const clockDir = await mkdtemp(join(tmpdir(), 'tollgate-client-clock-'));
  const clockFile = join(clockDir, 'offset-ms');
  const serverClock = movableClock();
  const server = await startTollgate({
    config: { clockTolerance: '0s' },
    env: { TOLLGATE_TEST_CLOCK_FILE: clockFile },
  });
  const user = { username: 'alice', password: 'correct horse battery staple' };
  await addApi(server, SHORT_API, ['read:data', 'write:data'], { isDefault: true, tokenTtl: '1m' });
  await Promise.all([
    addApi(server, OTHER_API, ['read:data']),
    addUser(server, user.username, user.password, ['read:data']),
  ]);
  const service = await addClient(server, 'service', { scopes: ['read:data'], grants: ['client_credentials'] });
  const verifier = { issuer: server.url, clockToleranceSeconds: 0, now: serverClock.now };
  const [readApi, writeApi, otherAudienceApi] = await Promise.all([
    startProtectedApi({ ...verifier, audience: SHORT_API }, { scopes: 'read:data' }, { echo: true }),
    startProtectedApi({ ...verifier, audience: SHORT_API }, { scopes: 'write:data' }),
    startProtectedApi({ ...verifier, audience: OTHER_API }),
  ]);
  return {
    server,
    user,
    service,
    readApi,
    writeApi,
    otherAudienceApi,
    advanceServerClock: async (ms) => {
      serverClock.advance(ms);
      await writeFile(clockFile, String(serverClock.offsetMs()));
    },
    stop: async () => {
      await Promise.all([readApi.close(), writeApi.close(), otherAudienceApi.close()]);
      await server.stop();
      await rm(clockDir, { recursive: true, force: true });
    },
  };
}
