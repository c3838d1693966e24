// The same with axios: attachTollgate adds the token to every request of an axios instance, refreshes it before it
// expires, and sends a request refused as invalid_token again once after a refresh.
import { createClient } from '@tollgate/client';
import { attachTollgate } from '@tollgate/client/axios';
import axios from 'axios';

const issuer = process.env.TOLLGATE_ISSUER ?? 'http://127.0.0.1:8080';
const apiUrl = new URL(process.env.API_URL ?? 'http://127.0.0.1:3000/data');
const password = process.env.TOLLGATE_PASSWORD;
if (!password) throw new Error('Set TOLLGATE_PASSWORD (and TOLLGATE_USERNAME)');

const client = createClient({ issuer });
await client.login({ username: process.env.TOLLGATE_USERNAME ?? 'alice', password });

const api = axios.create({ baseURL: apiUrl.origin });
attachTollgate(api, client);
try {
  const { status, data } = await api.get(apiUrl.pathname);
  console.log(status, JSON.stringify(data));
} finally {
  await client.logout();
}
