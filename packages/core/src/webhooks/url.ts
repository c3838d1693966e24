/**
 * Where a webhook may point. HTTPS, or plain HTTP on a loopback host only (the transport rule the server and the
 * gateway share): events name users and clients, and their signature does not hide them from the network.
 */
import { isLoopbackHost } from '@tollgate/transport';
import { InvalidRequest } from '../errors.js';

const MAX_URL_LENGTH = 2048;

export function checkWebhookUrl(value: string): string {
  if (typeof value !== 'string' || value.length > MAX_URL_LENGTH) {
    throw new InvalidRequest(`url must be an absolute URL of at most ${MAX_URL_LENGTH} characters`);
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidRequest('url must be an absolute URL, e.g. https://hooks.example.com/tollgate');
  }
  if (url.username !== '' || url.password !== '') {
    throw new InvalidRequest('url must not carry credentials: receivers check the webhook-signature header instead');
  }
  if (url.hash !== '') throw new InvalidRequest('url must not have a fragment');
  if (url.protocol === 'https:') return url.href;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return url.href;
  throw new InvalidRequest('url must use https (plain http only on a loopback host such as 127.0.0.1 or localhost)');
}
