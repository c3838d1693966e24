/**
 * What the client's code-flow and DPoP tests need from an authorization server. oidc-provider plays it today
 * (oidc-peer.ts); once Tollgate serves the authorization code flow and DPoP, a second implementation starts
 * `tollgate start` and the same cases run against it.
 */
export interface CodeFlowServer {
  issuer: string;
  /** A public native client whose redirect is http://127.0.0.1/callback on any port (RFC 8252 7.3). */
  nativeClientId: string;
  /** A public web client, for the pages the browser tests serve. */
  webClientId: string;
  /** The scopes to ask for: enough for `resourceUrl`. */
  scope: string;
  /** An API that accepts the server's access tokens, Bearer and DPoP (RFC 9449 7), and checks proofs' `ath`. */
  resourceUrl: string;
  close(): Promise<void>;
}
