import { timingSafeEqual } from 'node:crypto';

/**
 * Whether the presented CSRF token is the session's, compared in constant time. A length mismatch is answered at
 * once: every real token has the same public length (43 characters), so the length reveals nothing.
 */
export function csrfTokenMatches(expected: string, presented: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(presented, 'utf8');
  if (a.length === 0 || a.length !== b.length) return false;
  return timingSafeEqual(a, b);
}
