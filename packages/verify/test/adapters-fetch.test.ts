import { authenticateRequest } from '../src/adapters/fetch.js';
import { REALM, closeServer, describeAdapter, listen, serveFetch } from './adapters-support.js';

describeAdapter('fetch', async (verifier) => {
  const handler = async (request: Request): Promise<Response> => {
    const auth = await authenticateRequest(verifier, request, { scopes: 'read:data', realm: REALM });
    if (auth instanceof Response) return auth;
    return Response.json({ subject: auth.subject });
  };
  const { server, url } = await listen(serveFetch(handler));
  return { url, close: () => closeServer(server) };
});
