/** The authorization endpoint's domain (RFC 6749 4.1.1-4.1.2): checking requests, the user's answer, codes. */
export { AUTHORIZATION_PARAMETERS, type AuthorizationRequest } from './request.js';
export { AuthorizationRedirect, type RedirectTarget } from './redirect-error.js';
export { AUTHORIZATION_CODE_TTL_SECONDS, type Credentials } from './approve.js';
export { redirectUriProblem } from './redirect-uri.js';
export { s256Challenge } from './pkce.js';
export {
  DASHBOARD_CALLBACK_PATH,
  DASHBOARD_CLIENT_ID,
  dashboardClient,
  dashboardRedirectUri,
  type BuiltInClient,
} from './dashboard-client.js';
