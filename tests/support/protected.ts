/**
 * An API protected by the verify SDK inside its own process, as a user of `@tollgate/verify/node` writes
 * it: one verifier, `protect(verifier, handler, { scopes })`, a plain node:http server on loopback. The
 * handler answers with what the SDK told it about the token (and, if asked, the request's method and body).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createVerifier, type Verifier, type VerifierOptions } from '@tollgate/verify';
import { type NodeProtectOptions, protect } from '@tollgate/verify/node';

export interface ProtectedApi {
  url: string;
  verifier: Verifier;
  /** Requests that reached the handler, i.e. were let through. */
  handled(): number;
  /** Requests that reached the server, let through or refused: how often a client tried. */
  attempts(): number;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      text += chunk;
    });
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
}

export async function startProtectedApi(
  options: VerifierOptions,
  protectOptions: NodeProtectOptions = {},
  /** Also answer with the request's method and body, to show what a client sent (and sent again). */
  { echo = false }: { echo?: boolean } = {},
): Promise<ProtectedApi> {
  const verifier = createVerifier(options);
  await verifier.ready();
  let handled = 0;
  let attempts = 0;
  const handler = protect(
    verifier,
    (req, res, token) => {
      handled += 1;
      readBody(req).then(
        (body) => {
          const { subject, clientId, scopes } = token;
          const answer = echo ? { subject, clientId, scopes, method: req.method, body } : { subject, clientId, scopes };
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
        },
        () => res.writeHead(400).end(),
      );
    },
    protectOptions,
  );
  const server: Server = createServer((req, res) => {
    attempts += 1;
    handler(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    verifier,
    handled: () => handled,
    attempts: () => attempts,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await verifier.close();
    },
  };
}
