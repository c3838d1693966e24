/** What the fetch wrapper and the axios interceptor need from the client: tokens, renewal, request headers. */
import type { TokenSet } from '../oauth/token-set.js';

export interface ResourceAccess {
  /** Tokens good for more than the refresh margin (renewed first if need be). */
  current(): Promise<TokenSet>;
  /** Newer tokens than `rejected`, which an API refused: one renewal shared by every caller. */
  renewAfter(rejected: TokenSet): Promise<TokenSet>;
  /** `Authorization` (`Bearer` or `DPoP`, RFC 6750 2.1 / RFC 9449 7.1) and, for DPoP, the proof with `ath`. */
  headersFor(method: string, url: string, tokens: TokenSet): Promise<Record<string, string>>;
  /** Keeps a `DPoP-Nonce` an API sent (RFC 9449 9) for the next proof to that API. */
  rememberNonce(url: string, nonce: string | null | undefined): void;
}
