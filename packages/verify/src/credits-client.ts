/**
 * One client-authenticated POST to the server's credits endpoint (`api_token_credits_endpoint`) per request that
 * spends credits: the server is the one authority, so every verifier on every node stays exact. Any failure (no
 * answer, 5xx, an answer we cannot read) becomes 503: a request is never admitted without its credits taken.
 */
import type { CreditsAnswer, CreditsRequest } from '@tollgate/jwt';
import { BearerError } from './errors.js';
import { FetchError, fetchJsonObject, type HttpOptions } from './http.js';
import { QuotaAnswerError, readCreditsAnswer } from './quota-members.js';

const UNAVAILABLE = "The API token's credits cannot be checked right now";

export async function requestCredits(
  endpoint: string,
  request: CreditsRequest,
  options: { http: HttpOptions; authorization: string },
): Promise<CreditsAnswer> {
  try {
    const body = await fetchJsonObject(endpoint, options.http, {
      method: 'POST',
      headers: { authorization: options.authorization, 'content-type': 'application/json' },
      body: JSON.stringify(request),
    });
    return readCreditsAnswer(body);
  } catch (error) {
    if (error instanceof FetchError || error instanceof QuotaAnswerError) {
      throw BearerError.unavailable(UNAVAILABLE, 'ERR_CREDITS_UNAVAILABLE');
    }
    throw error;
  }
}
