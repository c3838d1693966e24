/**
 * A fetch that sends the client's access token: refreshed before it expires, sent again once with a fresh nonce
 * when a DPoP API asks (RFC 9449 9), and once with a renewed token after `401 invalid_token`, never more.
 * `insufficient_scope`, and `invalid_token` after the renewal, reject with a typed error; any other answer is
 * returned as it came. A request body is replayable because each attempt sends a clone of the first Request.
 */
import type { FetchLike } from '../lib/fetch-like.js';
import type { ResourceAccess } from './access.js';
import { type AttemptState, verdictOf } from './verdict.js';

async function send(access: ResourceAccess, fetchImpl: FetchLike, original: Request, state: AttemptState) {
  const request = original.clone();
  const headers = await access.headersFor(request.method, request.url, state.tokens);
  for (const [name, value] of Object.entries(headers)) request.headers.set(name, value);
  const response = await fetchImpl(request);
  access.rememberNonce(request.url, response.headers.get('dpop-nonce'));
  return response;
}

export function authorizedFetch(access: ResourceAccess, fetchImpl: FetchLike): FetchLike {
  return async (input, init) => {
    const original = new Request(input, init);
    const state: AttemptState = { tokens: await access.current(), retriedWithNonce: false, renewed: false };
    for (;;) {
      const response = await send(access, fetchImpl, original, state);
      const verdict = verdictOf(response.status, (name) => response.headers.get(name), state, { response });
      if (verdict.action === 'done') return response;
      if (verdict.action === 'fail') throw verdict.error;
      // The refusal's body is not wanted; free the connection before sending again.
      await response.body?.cancel();
      if (verdict.action === 'retry-with-nonce') {
        state.retriedWithNonce = true;
      } else {
        state.tokens = await access.renewAfter(state.tokens);
        state.renewed = true;
        state.retriedWithNonce = false;
      }
    }
  };
}
