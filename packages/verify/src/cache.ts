/** The verified-token cache lives in @tollgate/jwt, shared with the server's introspection. */
export { TokenCache, tokenDigest } from '@tollgate/jwt';
