import { InvalidRequest } from './errors.js';

// RFC 6749 3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

export function isScopeToken(value: string): boolean {
  return SCOPE_TOKEN.test(value);
}

/** Parses a space-delimited scope parameter; duplicates collapse, order is kept. */
export function parseScope(value: string | undefined): string[] {
  if (value === undefined) return [];
  const scopes: string[] = [];
  for (const token of value.split(' ')) {
    if (token === '') continue;
    if (!isScopeToken(token))
      throw new InvalidRequest('scope contains characters outside the RFC 6749 scope-token grammar');
    if (!scopes.includes(token)) scopes.push(token);
  }
  return scopes;
}

export function formatScope(scopes: readonly string[]): string {
  return scopes.join(' ');
}

export function intersectScopes(wanted: readonly string[], ...allowed: ReadonlyArray<readonly string[]>): string[] {
  return wanted.filter((scope) => allowed.every((set) => set.includes(scope)));
}
