/**
 * A webhook receiver on 127.0.0.1 for tests: records every POST (headers and raw body) and answers each with the
 * next status queued by the test (200 when none is queued). Signatures are checked by the test, with the
 * `standardwebhooks` package, not here.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface ReceivedWebhook {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface WebhookReceiver {
  readonly url: string;
  readonly received: ReceivedWebhook[];
  /** Answers the next requests to `path` with these statuses, in order. */
  answerNext(path: string, ...statuses: number[]): void;
  /** What reached `path`, oldest first. */
  at(path: string): ReceivedWebhook[];
  close(): Promise<void>;
}

/** `delayMs`: how long each answer takes, so that deliveries overlap the way slow receivers make them. */
export async function startWebhookReceiver(options: { delayMs?: number } = {}): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const statuses = new Map<string, number[]>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        path: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      response.statusCode = statuses.get(request.url ?? '')?.shift() ?? 200;
      setTimeout(() => response.end(), options.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    answerNext: (path, ...next) => statuses.set(path, [...(statuses.get(path) ?? []), ...next]),
    at: (path) => received.filter((delivery) => delivery.path === path),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface VerifiedEvent {
  id: string;
  type: string;
  timestamp: string;
  data: Record<string, unknown>;
}

/** Verifies the Standard Webhooks signature and timestamp as a receiver would; throws when either is wrong. */
export function verifyWebhook(secret: string, delivery: ReceivedWebhook): VerifiedEvent {
  const headers = {
    'webhook-id': String(delivery.headers['webhook-id']),
    'webhook-timestamp': String(delivery.headers['webhook-timestamp']),
    'webhook-signature': String(delivery.headers['webhook-signature']),
  };
  const payload = new Webhook(secret).verify(delivery.body, headers) as Omit<VerifiedEvent, 'id'>;
  return { id: headers['webhook-id'], ...payload };
}
