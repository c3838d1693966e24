/** The benchmark's fixture, made as an operator would with the CLI: one default API and one confidential client. */
import type { BenchServer } from './server.js';

export const API = 'https://api.example.com/bench';
/**
 * The client_credentials request the peer rows send to every server alike: the scope and the resource indicator
 * (RFC 8707) naming the bench API, so Tollgate resolves the API from the request as oidc-provider does.
 */
export const TOKEN_REQUEST_BODY = `grant_type=client_credentials&scope=read%3Adata&resource=${encodeURIComponent(API)}`;

export interface Seeded {
  authorization: string;
  client: { clientId: string; clientSecret: string };
}

export function basic(clientId: string, clientSecret: string): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString('base64')}`;
}

export async function seed(server: BenchServer): Promise<Seeded> {
  await server.cli(['apis', 'add', API, '--scopes', 'read:data write:data', '--default']);
  const created = JSON.parse(await server.cli(['clients', 'add', 'bench', '--scopes', 'read:data write:data'])) as {
    client_id: string;
    client_secret: string;
  };
  return {
    authorization: basic(created.client_id, created.client_secret),
    client: { clientId: created.client_id, clientSecret: created.client_secret },
  };
}
