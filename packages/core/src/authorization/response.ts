/** The authorization response (RFC 6749 4.1.2): parameters added to the redirect URI's query. */

/** Where an authorization response goes, and what it always carries. */
export interface RedirectTarget {
  redirectUri: string;
  state: string | undefined;
  /** RFC 9207: the issuer, so the client can tell which server answered (mix-up defence). */
  issuer: string;
}

/**
 * RFC 6749 3.1.2: the redirect URI may carry a query of its own, which is kept; the response parameters are added
 * to it, with `state` echoed exactly (4.1.2) and `iss` (RFC 9207 2).
 */
export function authorizationResponseUrl(target: RedirectTarget, params: Record<string, string>): string {
  const url = new URL(target.redirectUri);
  for (const [name, value] of Object.entries(params)) url.searchParams.append(name, value);
  if (target.state !== undefined) url.searchParams.append('state', target.state);
  url.searchParams.append('iss', target.issuer);
  return url.href;
}
