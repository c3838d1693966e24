/**
 * An API protected by the verify SDK inside its own process, as a user of `@tollgate/verify/node` writes
 * it: one verifier, `protect(verifier, handler, { scopes })`, a plain node:http server on loopback. The
 * handler answers with what the SDK told it about the token.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createVerifier, type Verifier, type VerifierOptions } from '@tollgate/verify';
import { type NodeProtectOptions, protect } from '@tollgate/verify/node';

export interface ProtectedApi {
  url: string;
  verifier: Verifier;
  /** Requests that reached the handler, i.e. were let through. */
  handled(): number;
  close(): Promise<void>;
}

export async function startProtectedApi(
  options: VerifierOptions,
  protectOptions: NodeProtectOptions = {},
): Promise<ProtectedApi> {
  const verifier = createVerifier(options);
  await verifier.ready();
  let handled = 0;
  const handler = protect(
    verifier,
    (_req, res, token) => {
      handled += 1;
      const body = JSON.stringify({ subject: token.subject, clientId: token.clientId, scopes: token.scopes });
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    },
    protectOptions,
  );
  const server: Server = createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    verifier,
    handled: () => handled,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await verifier.close();
    },
  };
}
