/**
 * Sends one signed webhook delivery over HTTP (undici), through the guarded connector (webhook-connector.ts): no
 * delivery reaches an address the webhook address policy refuses, whatever its name resolves to at the time. No
 * redirect is followed (undici's request never follows one): a receiver that moved must be re-registered, or a
 * redirect could carry events, signed, to a host nobody registered. What it reports is stored and shown to admins, so
 * it holds a status, an error code or the policy's reason, never a response body.
 *
 * undici and the connector are loaded at the first delivery, not when the sender is made: most servers send no
 * webhook for a long time after starting, if ever, and undici is the largest package the server would load for it
 * (some 110 modules, and through it Node's own fetch). Loading it at start cost 10-15 % of the time to ready.
 */
import type { WebhookAddressPolicy, WebhookRequest, WebhookResponse, WebhookSender } from '@tollgate/core';
import type { Agent, request as undiciRequest } from 'undici';
import { WebhookAddressRefused } from './webhook-address-refused.js';
import type { AddressResolver } from './webhook-connector.js';

/** Well inside the claim's lease (WEBHOOK_CLAIM_LEASE_SECONDS), so no other node sends it meanwhile. */
export const WEBHOOK_TIMEOUT_MS = 15_000;
const USER_AGENT = 'Tollgate-Webhooks/1';

export interface WebhookSenderOptions {
  policy: WebhookAddressPolicy;
  timeoutMs?: number;
  /** What names resolve to; the system resolver (dns.lookup) by default. */
  resolve?: AddressResolver;
}

export interface HttpWebhookSender {
  send: WebhookSender;
  /** Closes the pooled connections (at shutdown). */
  close(): Promise<void>;
}

/** What a delivery goes through, made at the first one. */
interface Transport {
  dispatcher: Agent;
  request: typeof undiciRequest;
}

async function openTransport(options: WebhookSenderOptions, timeoutMs: number): Promise<Transport> {
  const [{ Agent, request }, { guardedConnector }] = await Promise.all([
    import('undici'),
    import('./webhook-connector.js'),
  ]);
  const dispatcher = new Agent({ connect: guardedConnector(options.policy, options.resolve, { timeoutMs }) });
  return { dispatcher, request };
}

export function httpWebhookSender(options: WebhookSenderOptions): HttpWebhookSender {
  const timeoutMs = options.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
  let transport: Promise<Transport> | undefined;
  let closed = false;
  const send = async (delivery: WebhookRequest): Promise<WebhookResponse> => {
    try {
      if (closed && transport === undefined) throw closedError();
      transport ??= openTransport(options, timeoutMs);
      const { dispatcher, request } = await transport;
      const response = await request(delivery.url, {
        dispatcher,
        method: 'POST',
        headers: { ...delivery.headers, 'user-agent': USER_AGENT },
        body: delivery.body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      await response.body.dump();
      return { status: response.statusCode };
    } catch (error) {
      return { error: describeFailure(error, timeoutMs) };
    }
  };
  const close = async (): Promise<void> => {
    closed = true;
    // A transport that failed to load has nothing to close; its sends reported the failure.
    const opened = await transport?.catch(() => undefined);
    await opened?.dispatcher.close();
  };
  return { send, close };
}

/** What undici's closed Agent fails a request with (ClientDestroyedError), for a sender closed before its first delivery. */
function closedError(): Error {
  return Object.assign(new Error('The client is destroyed'), { code: 'UND_ERR_DESTROYED' });
}

function describeFailure(error: unknown, timeoutMs: number): string {
  const refused = refusalIn(error);
  if (refused !== undefined) return refused.message;
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return `no answer within ${timeoutMs / 1000} s`;
  }
  const code = [error, error instanceof Error ? error.cause : undefined]
    .map((candidate) => (candidate as { code?: unknown } | undefined)?.code)
    .find((candidate): candidate is string => typeof candidate === 'string' && /^[A-Z_]{2,40}$/.test(candidate));
  return code === undefined ? 'the request failed' : `the request failed (${code})`;
}

/** The policy's refusal, however deep undici or net wrapped it. */
function refusalIn(error: unknown): WebhookAddressRefused | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth += 1) {
    if (current instanceof WebhookAddressRefused) return current;
  }
  return undefined;
}
