/**
 * The contract between the token flows (token, revocation, introspection) and their callers; management has its own
 * (management/contract.ts). Callers parse their transport into these shapes; the core answers with plain objects or
 * throws a `TollgateError`. Nothing here knows about HTTP.
 */
import type { ClientAuthMethod } from './errors.js';
import type { IntrospectedCredits, IntrospectedRateLimit } from '@tollgate/jwt';

/** Client credentials as presented (RFC 6749 2.3), after the transport has decoded them. */
export type PresentedClient =
  | { method: 'client_secret_basic' | 'client_secret_post'; clientId: string; clientSecret: string }
  | { method: 'none'; clientId?: string };

export interface TokenRequest {
  /**
   * Single-valued request parameters (grant_type, username, password, scope, refresh_token, ...),
   * client credentials removed. The transport has already refused duplicated parameters.
   */
  params: ReadonlyMap<string, string>;
  /** Every `resource` parameter (RFC 8707 allows repeating it). */
  resources: readonly string[];
  client: PresentedClient;
  /** The caller's address, for brute-force limits. */
  remoteAddress: string;
  /** The request's one `DPoP` header (RFC 9449 4), when it had one: the key to bind the tokens to. */
  dpopProof?: string | undefined;
}

/** RFC 6749 5.1. */
export interface TokenResponse {
  access_token: string;
  /** DPoP when the access token is bound to the key of the request's proof (RFC 9449 5.1). */
  token_type: 'Bearer' | 'DPoP';
  expires_in: number;
  refresh_token?: string;
  scope: string;
}

export interface RevocationRequest {
  token: string;
  tokenTypeHint: string | undefined;
  client: PresentedClient;
  remoteAddress: string;
}

export type IntrospectionRequest = RevocationRequest;

/** RFC 7662 2.2. Inactive tokens are exactly `{ active: false }`. */
export type IntrospectionResponse =
  | { active: false }
  | {
      active: true;
      scope: string;
      client_id: string;
      username?: string;
      token_type: 'Bearer' | 'DPoP' | 'refresh_token';
      /** Absent only for an API token that never expires. */
      exp?: number;
      iat: number;
      nbf?: number;
      sub: string;
      /** An API token lists every API it may reach (RFC 7662 2.2 allows an array). */
      aud: string | string[];
      iss: string;
      jti?: string;
      /** The key a DPoP-bound access token is bound to (RFC 9449 6.2). */
      cnf?: { jkt: string };
      /** API tokens only: the owner's metadata, when there is any. */
      metadata?: Record<string, string | number | boolean>;
      /** API tokens only: the owner's external id, when set. */
      external_id?: string;
      /** API tokens with credits only: what remains now and when it is refilled. */
      credits?: IntrospectedCredits;
      /** API tokens with their own rate limit only. */
      rate_limit?: IntrospectedRateLimit;
    };

export type { ClientAuthMethod };
