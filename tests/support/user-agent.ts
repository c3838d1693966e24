/**
 * A browser stand-in for code-flow tests that need no page: follows an authorization URL's redirects with a cookie
 * jar (the server's interaction and session cookies) until one leaves for the redirect URI, and returns that URL
 * without requesting it, as a browser hands a redirect to the app that registered it.
 */
const MAX_REDIRECTS = 10;
const REQUEST_TIMEOUT_MS = 10_000;

export async function followToRedirect(authorizationUrl: string, redirectUriPrefix: string): Promise<string> {
  const cookies = new Map<string, string>();
  let url = authorizationUrl;
  for (let hop = 0; hop < MAX_REDIRECTS; hop += 1) {
    if (url.startsWith(redirectUriPrefix)) return url;
    const response = await fetch(url, {
      redirect: 'manual',
      headers: { cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join('; ') },
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    await response.arrayBuffer();
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const separator = pair.indexOf('=');
      if (separator > 0) cookies.set(pair.slice(0, separator).trim(), pair.slice(separator + 1).trim());
    }
    const location = response.headers.get('location');
    if (location === null) throw new Error(`${url} answered ${response.status} without a redirect`);
    url = new URL(location, url).href;
  }
  throw new Error(`no redirect to ${redirectUriPrefix} within ${MAX_REDIRECTS} hops`);
}
