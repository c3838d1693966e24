/**
 * The two verifiers of an API, side by side against one server: the gateway in front of a recording upstream, and an
 * SDK-protected API, both with their own client (`verifiers`) for introspection and the revocation stream.
 */
import type { VerifierOptions } from '@tollgate/verify';
import { type GatewayUnderTest, startGatewayFor } from './gateway.js';
import type { ClientCredentials } from './http.js';
import { type ProtectedApi, startProtectedApi } from './protected.js';
import { addClient } from './seed.js';
import type { TollgateProcess } from './tollgate.js';
import { type RecordingUpstream, startRecordingUpstream } from './upstream.js';

export interface Verifiers {
  verifierClient: ClientCredentials;
  upstream: RecordingUpstream;
  gateway: GatewayUnderTest;
  sdkApi: ProtectedApi;
  close(): Promise<void>;
}

export async function startVerifiers(
  server: TollgateProcess,
  audience: string,
  options: { routes: (upstream: string) => Record<string, unknown>[]; sdk?: Partial<VerifierOptions> },
): Promise<Verifiers> {
  const verifierClient = await addClient(server, 'verifiers', { scopes: ['read:data'] });
  const upstream = await startRecordingUpstream();
  const gateway = await startGatewayFor({
    issuer: server.url,
    audience,
    client: verifierClient,
    routes: options.routes(upstream.url),
  });
  const sdkApi = await startProtectedApi({ issuer: server.url, audience, client: verifierClient, ...options.sdk });
  return {
    verifierClient,
    upstream,
    gateway,
    sdkApi,
    close: async () => {
      await Promise.all([gateway.close(), sdkApi.close(), upstream.close()]);
    },
  };
}
