// GET /data for tokens with read:data, as a fetch-style handler: (Request) => Response. The same handler runs
// unchanged on Bun, Deno, Cloudflare Workers or as a Next.js route handler; here it is served on Node.
import { createAuthenticator } from '@tollgate/verify/fetch';
import { serveFetch } from './serve-fetch.mjs';
import { announce, closeOnSignal, port, verifier } from './verifier.mjs';

const authenticate = createAuthenticator(verifier, { scopes: 'read:data' });

async function handle(request) {
  if (request.method !== 'GET' || new URL(request.url).pathname !== '/data') {
    return Response.json({ error: 'not_found' }, { status: 404 });
  }
  const auth = await authenticate(request);
  if (auth instanceof Response) return auth; // 400/401/403 with WWW-Authenticate, ready to send
  return Response.json({ subject: auth.subject, scopes: auth.scopes, data: [1, 2, 3] });
}

const server = serveFetch(handle, port, () => announce(server));
closeOnSignal(() => new Promise((resolve) => server.close(resolve)));
