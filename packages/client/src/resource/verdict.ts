/**
 * What an API's answer means for the request that got it, read from its status and WWW-Authenticate challenge
 * (RFC 6750 3, RFC 9449 7.1): go on, send again with the nonce the API just gave (RFC 9449 9), renew the token
 * and send again (invalid_token), or give up with a typed error (insufficient_scope, or invalid_token again).
 * The fetch wrapper and the axios interceptor share it, so both behave the same.
 */
import { InsufficientScopeError, InvalidTokenError } from '../errors.js';
import { type Challenge, parseWwwAuthenticate } from '../lib/www-authenticate.js';
import type { TokenSet } from '../oauth/token-set.js';

export type Verdict =
  | { action: 'done' }
  | { action: 'retry-with-nonce' }
  | { action: 'renew-and-retry' }
  | { action: 'fail'; error: InvalidTokenError | InsufficientScopeError };

/** Where the request stands: what it has already retried. */
export interface AttemptState {
  tokens: TokenSet;
  /** Already sent again with a fresh nonce, for these tokens. */
  retriedWithNonce: boolean;
  /** Already renewed the token once for this request: never twice. */
  renewed: boolean;
}

/** The challenge about the token we sent: its own scheme first, then Bearer or DPoP, whichever carries an error. */
function challengeFor(challenges: readonly Challenge[], tokens: TokenSet): Challenge | undefined {
  const own = tokens.tokenType.toLowerCase();
  const withError = challenges.filter(
    (challenge) => (challenge.scheme === 'bearer' || challenge.scheme === 'dpop') && challenge.params.has('error'),
  );
  return withError.find((challenge) => challenge.scheme === own) ?? withError[0];
}

export function verdictOf(
  status: number,
  header: (name: string) => string | null | undefined,
  state: AttemptState,
  origin: { response?: Response; cause?: unknown } = {},
): Verdict {
  if (status !== 401 && status !== 403) return { action: 'done' };
  const challenge = challengeFor(parseWwwAuthenticate(header('www-authenticate')), state.tokens);
  const error = challenge?.params.get('error');
  const errorDescription = challenge?.params.get('error_description');
  if (error === 'insufficient_scope') {
    // RFC 6750 3: `scope` names the scopes the resource needs; refreshing would not add them.
    const requiredScopes = (challenge?.params.get('scope') ?? '').split(' ').filter(Boolean);
    return {
      action: 'fail',
      error: new InsufficientScopeError({ ...origin, errorDescription, status, requiredScopes }),
    };
  }
  if (status !== 401) return { action: 'done' };
  if (error === 'use_dpop_nonce') {
    const nonceArrived = (header('dpop-nonce') ?? '') !== '';
    return nonceArrived && !state.retriedWithNonce ? { action: 'retry-with-nonce' } : { action: 'done' };
  }
  if (error === 'invalid_token') {
    if (!state.renewed) return { action: 'renew-and-retry' };
    return { action: 'fail', error: new InvalidTokenError({ ...origin, errorDescription, status }) };
  }
  return { action: 'done' };
}
