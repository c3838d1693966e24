/** oauth4webapi set up for a loopback server: discovery (RFC 8414) and plain-http permission. */
import * as oauth from 'oauth4webapi';

/** Loopback tests run over plain http, which oauth4webapi refuses unless told otherwise. */
export const insecure = { [oauth.allowInsecureRequests]: true } as const;

export async function discover(issuer: string): Promise<oauth.AuthorizationServer> {
  const issuerUrl = new URL(issuer);
  const response = await oauth.discoveryRequest(issuerUrl, { algorithm: 'oauth2', ...insecure });
  return oauth.processDiscoveryResponse(issuerUrl, response);
}

export { oauth };
