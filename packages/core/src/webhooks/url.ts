/**
 * Where a webhook may point. HTTPS, or plain HTTP on a loopback host only (the transport rule the server and the
 * gateway share): events name users and clients, and their signature does not hide them from the network. A host
 * that is an IP address must be one the address policy allows; a name is judged by what it resolves to, at each
 * connection (the server's sender), since what it resolves to may change.
 */
import { isLoopbackHost } from '@tollgate/transport';
import { InvalidRequest } from '../errors.js';
import { refusedWebhookAddress, type WebhookAddressPolicy } from './address-policy.js';

const MAX_URL_LENGTH = 2048;

export function checkWebhookUrl(value: string, policy: WebhookAddressPolicy): string {
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
  // First, so that http://169.254.169.254 is told what https would not fix. The URL parser has already normalised
  // IPv4 spellings such as 0x7f.1 or 2130706433 to dotted decimal.
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const refused = refusedWebhookAddress(host, policy);
  if (refused !== undefined) throw new InvalidRequest(`url: ${refused}`);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    throw new InvalidRequest('url must use https (plain http only on a loopback host such as 127.0.0.1 or localhost)');
  }
  return url.href;
}
