// A Node script calling an API with a Tollgate token: the JSON login for a person, client credentials for a service.
// The client refreshes the token before it expires, one refresh at a time, and signs out (revokes it) at the end.
import { createClient, InsufficientScopeError } from '@tollgate/client';

const issuer = process.env.TOLLGATE_ISSUER ?? 'http://127.0.0.1:8080';
const apiUrl = process.env.API_URL ?? 'http://127.0.0.1:3000/data';
const clientId = process.env.TOLLGATE_CLIENT_ID;
const clientSecret = process.env.TOLLGATE_CLIENT_SECRET;

const client = createClient({ issuer, clientId, clientSecret });
if (clientId && clientSecret) {
  await client.clientCredentials({ scope: 'read:data' });
} else {
  const password = process.env.TOLLGATE_PASSWORD;
  if (!password) throw new Error('Set TOLLGATE_PASSWORD (and TOLLGATE_USERNAME), or TOLLGATE_CLIENT_ID and _SECRET');
  await client.login({ username: process.env.TOLLGATE_USERNAME ?? 'alice', password });
}

try {
  // client.fetch is fetch with the token attached: same arguments, same Response.
  const response = await client.fetch(apiUrl);
  console.log(response.status, JSON.stringify(await response.json()));
} catch (error) {
  if (!(error instanceof InsufficientScopeError)) throw error;
  console.error(`The API needs the scope ${error.requiredScopes.join(' ')}, which this token lacks`);
  process.exitCode = 1;
} finally {
  await client.logout();
}
