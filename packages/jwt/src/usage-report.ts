/**
 * The wire format verifiers and the server share for API-token usage (Tollgate's `api_token_usage_endpoint`):
 * the SDK and the gateway send batches of these; the server checks them against the same limits.
 */

/** Uses of one API token a verifier accepted, for one API. */
export interface ApiTokenUsageReport {
  /** The `jti` introspection returned for the token. */
  jti: string;
  /** The API (audience) the verifier accepted it for. */
  api: string;
  count: number;
  /** Epoch seconds of the last use. */
  lastUsedAt: number;
  /** The address of the API's caller, if the verifier knew it. */
  address?: string;
}

/** What one request may carry: the server refuses more, the SDK never sends more. */
export const USAGE_REPORT_LIMITS = Object.freeze({
  reportsPerRequest: 1_000,
  jtiLength: 256,
  apiLength: 2_048,
  countPerReport: 1_000_000,
  /** An IP literal, even IPv6 with a zone, is far shorter. */
  addressLength: 64,
});

/** Tollgate's extension members of the RFC 8414 metadata (section 2 allows additional ones). */
export const METADATA_EXTENSIONS = Object.freeze({
  /** Server-sent events of revoked `jti`s, for verifiers. */
  revocationStreamEndpoint: 'revocation_stream_endpoint',
  /** Where verifiers report API-token uses, client-authenticated. */
  apiTokenUsageEndpoint: 'api_token_usage_endpoint',
  /** Where verifiers consume API-token credits, client-authenticated (api-token-credits.ts). */
  apiTokenCreditsEndpoint: 'api_token_credits_endpoint',
} as const);
