/**
 * A server, its standard users and clients, and an API protected by the verify SDK following the real
 * revocation stream: what the backup and restore tests revoke against and watch.
 */
import { after } from 'node:test';
import { type ClientCredentials, request } from './http.js';
import { type ProtectedApi, startProtectedApi } from './protected.js';
import { addClient, seedStandard, type StandardSeed, USER_API } from './seed.js';
import { startTollgate, type TollgateProcess } from './tollgate.js';
import { waitUntil } from './wait.js';

/** Generous: the SDK backs off while the server is down (up to 10 s between attempts). */
export const PROPAGATION_BOUND_MS = 30_000;

export interface Deployment {
  server: TollgateProcess;
  seed: StandardSeed;
  api: ProtectedApi;
}

const deployments: Deployment[] = [];
after(async () => {
  for (const { server, api } of deployments.splice(0)) {
    await api.close();
    await server.stop();
  }
});

/** Stopped after the test file's last test. */
export async function deploy(): Promise<Deployment> {
  const server = await startTollgate();
  const seed = await seedStandard(server);
  const streamClient: ClientCredentials = await addClient(server, 'verifiers', { scopes: ['read:data'] });
  const api = await startProtectedApi(
    { issuer: server.url, audience: USER_API, client: streamClient },
    { scopes: 'read:data' },
  );
  const deployment = { server, seed, api };
  deployments.push(deployment);
  return deployment;
}

export async function apiStatus(api: ProtectedApi, token: string): Promise<number> {
  return (await request(`${api.url}/data`, { headers: { authorization: `Bearer ${token}` } })).status;
}

export async function refusedWithinBound(api: ProtectedApi, token: string, what: string): Promise<void> {
  await waitUntil(what, async () => ((await apiStatus(api, token)) === 401 ? true : undefined), {
    timeoutMs: PROPAGATION_BOUND_MS,
    intervalMs: 100,
  });
}
