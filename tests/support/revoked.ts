/**
 * Waiting, with a bound, for a verifier to refuse a token it accepted and probably cached, and insisting that the
 * refusal came from its deny list (the revocation stream), not from a cache running out.
 */
import assert from 'node:assert/strict';
import { type AdminClient, addDashboardUser, signIn } from './admin-api.js';
import { type ClientCredentials, type HttpResult, request } from './http.js';
import { type ProtectedApi, startProtectedApi } from './protected.js';
import { addClient, type StandardSeed, seedStandard, USER_API } from './seed.js';
import { startTollgate, type TollgateProcess } from './tollgate.js';
import { waitUntil } from './wait.js';

export const REVOKED_ANSWER = { error: 'invalid_token', error_description: 'The access token was revoked' };

export function callWithBearer(url: string, token: string): Promise<HttpResult> {
  return request(url, { headers: { authorization: `Bearer ${token}` } });
}

export async function assertRevokedWithin(url: string, token: string, what: string, timeoutMs: number): Promise<void> {
  const { value } = await waitUntil(
    `${url} refuses ${what}`,
    async () => {
      const result = await callWithBearer(url, token);
      return result.status === 200 ? undefined : result;
    },
    { timeoutMs, intervalMs: 25 },
  );
  assert.equal(value.status, 401, `${what}: ${value.text}`);
  assert.deepEqual(value.json, REVOKED_ANSWER, `${what}: ${value.text}`);
}

const ROOT_PASSWORD = 'a long admin password';

/** A server with the standard seed, an admin signed in to the admin API, and an SDK verifier on its stream. */
export interface RevocationFixture {
  server: TollgateProcess;
  seed: StandardSeed;
  /** The verifier's client, also fit for introspection. */
  verifier: ClientCredentials;
  sdkApi: ProtectedApi;
  root: AdminClient;
  close(): Promise<void>;
}

export async function startRevocationFixture(): Promise<RevocationFixture> {
  const server = await startTollgate();
  try {
    const seed = await seedStandard(server);
    const verifier = await addClient(server, 'verifier', { scopes: ['read:data'] });
    const sdkApi = await startProtectedApi({ issuer: server.url, audience: USER_API, client: verifier }, {});
    await addDashboardUser(server, 'root', ROOT_PASSWORD, { admin: true });
    const root = await signIn(server.url, 'root', ROOT_PASSWORD);
    const close = async () => {
      await sdkApi.close();
      await server.stop();
    };
    return { server, seed, verifier, sdkApi, root, close };
  } catch (error) {
    await server.stop();
    throw error;
  }
}
