/**
 * Sends one signed webhook delivery over HTTP (fetch, i.e. undici). No redirect is followed: a receiver that moved
 * must be re-registered, or a redirect could carry events, signed, to a host nobody registered. What it reports is
 * stored and shown to admins, so it holds a status or an error code, never a response body.
 */
import type { WebhookRequest, WebhookResponse, WebhookSender } from '@tollgate/core';

/** Well inside the claim's lease (WEBHOOK_CLAIM_LEASE_SECONDS), so no other node sends it meanwhile. */
export const WEBHOOK_TIMEOUT_MS = 15_000;
const USER_AGENT = 'Tollgate-Webhooks/1';

export function httpWebhookSender(timeoutMs = WEBHOOK_TIMEOUT_MS): WebhookSender {
  return async (request: WebhookRequest): Promise<WebhookResponse> => {
    try {
      const response = await fetch(request.url, {
        method: 'POST',
        headers: { ...request.headers, 'user-agent': USER_AGENT },
        body: request.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      await response.body?.cancel();
      return { status: response.status };
    } catch (error) {
      return { error: describeFailure(error, timeoutMs) };
    }
  };
}

function describeFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return `no answer within ${timeoutMs / 1000} s`;
  }
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  const code = typeof cause?.code === 'string' && /^[A-Z_]{2,40}$/.test(cause.code) ? cause.code : undefined;
  return code === undefined ? 'the request failed' : `the request failed (${code})`;
}
