/**
 * Redirect URIs (RFC 6749 3.1.2), registered per client and matched exactly (RFC 9700 4.1.3), with the one
 * exception RFC 8252 7.3 makes for native apps: a loopback IP redirect matches on any port, since the app picks a
 * free port when it starts listening.
 */

const MAX_REDIRECT_URI_LENGTH = 2048;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]']);

/**
 * Why `value` may not be registered, or undefined when it may: an absolute URI without a fragment (RFC 6749 3.1.2),
 * on https, on http only for a loopback IP (RFC 8252 7.3), or with a private-use scheme such as
 * `com.example.app:/callback` (RFC 8252 7.1).
 */
export function redirectUriProblem(value: string): string | undefined {
  if (value.length > MAX_REDIRECT_URI_LENGTH) return `is longer than ${MAX_REDIRECT_URI_LENGTH} characters`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'is not an absolute URI';
  }
  if (value.includes('#')) return 'has a fragment (RFC 6749 3.1.2)';
  if (url.username !== '' || url.password !== '') return 'carries credentials';
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:') {
    return isLoopback(url) ? undefined : 'uses http on a host other than 127.0.0.1 or [::1] (use https)';
  }
  if (['javascript:', 'data:', 'file:', 'blob:', 'vbscript:'].includes(url.protocol)) return 'has an unsafe scheme';
  // RFC 8252 7.1: a private-use scheme is a reverse domain name, so it has a dot.
  return url.protocol.includes('.') ? undefined : 'has a custom scheme that is not a reverse domain name';
}

function isLoopback(url: URL): boolean {
  return url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname);
}

/** Whether `presented` is one of `registered`: exactly, or a loopback IP redirect on another port. */
export function redirectUriMatches(registered: readonly string[], presented: string): boolean {
  if (registered.includes(presented)) return true;
  const url = parse(presented);
  if (url === undefined || !isLoopback(url)) return false;
  const withoutPort = portless(url);
  return registered.some((candidate) => {
    const known = parse(candidate);
    return known !== undefined && isLoopback(known) && portless(known) === withoutPort;
  });
}

function parse(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

function portless(url: URL): string {
  const copy = new URL(url.href);
  copy.port = '';
  return copy.href;
}
