/**
 * An authorization request error that goes back to the client at its redirect URI (RFC 6749 4.1.2.1). Errors found
 * before the client and its redirect URI are known to be good are plain `TollgateError`s: those the server shows
 * the user itself, never redirecting to a URI that is not registered (RFC 6749 3.1.2.4).
 */
import type { TollgateError } from '../errors.js';
import { authorizationResponseUrl, type RedirectTarget } from './response.js';

export type { RedirectTarget };

export class AuthorizationRedirect extends Error {
  /** Where the user agent is sent: the redirect URI with `error`, `error_description`, `state` and `iss`. */
  readonly location: string;
  readonly error: TollgateError;

  constructor(error: TollgateError, target: RedirectTarget) {
    super(error.description, { cause: error });
    this.name = 'AuthorizationRedirect';
    this.error = error;
    this.location = authorizationResponseUrl(target, {
      error: error.oauthError,
      error_description: error.description,
    });
  }
}
