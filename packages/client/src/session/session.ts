/**
 * The tokens in use, and one renewal at a time. Tollgate rotates refresh tokens and treats a second use of one
 * as theft, revoking the whole family (RFC 9700 4.14.2), so an app whose concurrent requests each refreshed would
 * sign itself out. Here every caller that finds the token stale, or sees it refused, shares one renewal: in the
 * process through one promise, across tabs through a Web Lock, and whoever gets the lock reads the storage again
 * first, because another tab may have renewed meanwhile.
 */
import { LoginRequiredError, OAuthError } from '../errors.js';
import { isFresh, type TokenSet } from '../oauth/token-set.js';
import { withExclusiveLock } from './lock.js';
import type { TokenStorage } from './storage.js';

export interface SessionOptions {
  storage: TokenStorage;
  /** The Web Lock's name: the same for every tab sharing the storage. */
  lockName: string;
  refreshMarginSeconds: number;
  now: () => number;
  /** Gets the next tokens from the current ones (a refresh_token grant, or a new client_credentials grant). */
  renew: (current: TokenSet) => Promise<TokenSet>;
}

export class TokenSession {
  readonly #options: SessionOptions;
  #renewal: Promise<TokenSet> | undefined;

  constructor(options: SessionOptions) {
    this.#options = options;
  }

  /** The stored tokens as they are, or undefined. */
  async stored(): Promise<TokenSet | undefined> {
    return (await this.#options.storage.get()) ?? undefined;
  }

  async store(tokens: TokenSet): Promise<void> {
    await this.#options.storage.set(tokens);
  }

  async clear(): Promise<void> {
    await this.#options.storage.delete();
  }

  /** Tokens good for more than the refresh margin, renewing them first if they are not. */
  async current(): Promise<TokenSet> {
    const tokens = await this.stored();
    if (tokens === undefined) throw new LoginRequiredError();
    const { now, refreshMarginSeconds } = this.#options;
    return isFresh(tokens, now(), refreshMarginSeconds) ? tokens : this.renewAfter(tokens);
  }

  /**
   * Newer tokens than `seen` (stale, or refused by an API): the ones another caller or tab already got, or one
   * renewal shared by every caller asking meanwhile.
   */
  renewAfter(seen: TokenSet): Promise<TokenSet> {
    if (this.#renewal === undefined) {
      this.#renewal = withExclusiveLock(this.#options.lockName, () => this.#renewUnlessDone(seen)).finally(() => {
        this.#renewal = undefined;
      });
    }
    return this.#renewal;
  }

  async #renewUnlessDone(seen: TokenSet): Promise<TokenSet> {
    const stored = await this.stored();
    if (stored === undefined) throw new LoginRequiredError('Signed out while the tokens were being renewed');
    if (stored.accessToken !== seen.accessToken) return stored;
    let next: TokenSet;
    try {
      next = await this.#options.renew(stored);
    } catch (error) {
      // RFC 6749 5.2: the refresh token is invalid, expired or revoked; keeping it would only fail again.
      if (error instanceof OAuthError && error.error === 'invalid_grant') {
        await this.clear();
        throw new LoginRequiredError('The refresh token was refused: sign in again', { cause: error });
      }
      throw error;
    }
    await this.store(next);
    return next;
  }
}
