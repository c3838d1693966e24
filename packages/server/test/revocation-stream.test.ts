import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { InvalidClient, type PresentedClient, type RevocationEvent, type RevocationListener } from '@tollgate/core';
import Fastify, { type FastifyInstance } from 'fastify';
import { createErrorHandler } from '../src/http/errors.js';
import {
  type RevocationStreamOptions,
  type RevocationStreamSource,
  registerRevocationsRoute,
} from '../src/routes/revocations.js';
import { EventStreamReader, TestHttpClient } from './sse-client.js';

const BASIC = `Basic ${Buffer.from('svc:secret').toString('base64')}`;

/** A stand-in core whose feed is driven by the test. */
class FakeSource implements RevocationStreamSource {
  listeners = new Set<RevocationListener>();
  unsubscribed = 0;
  authenticationDelayMs = 0;
  /** Events the feed hands over synchronously on subscribe, before ready. */
  snapshot: RevocationEvent[] = [];

  async authenticateClient(presented: PresentedClient): Promise<{ clientId: string }> {
    await new Promise((resolve) => setTimeout(resolve, this.authenticationDelayMs));
    if (presented.method === 'none' || presented.clientSecret !== 'secret') {
      throw new InvalidClient('Client authentication failed');
    }
    return { clientId: presented.clientId };
  }

  /** The subscribers' onSynced: what the feed calls after each poll that read the store. */
  readonly syncedCallbacks = new Set<() => void>();

  /** A poll that read the store, for every subscriber. */
  storeRead(): void {
    for (const synced of this.syncedCallbacks) synced();
  }

  readonly revocationFeed = {
    resumePlan: async () => ({ epoch: 'e1', afterSequence: 0, reason: 'start' as const }),
    subscribe: (
      _from: unknown,
      listener: RevocationListener,
      onReady: () => void,
      _onError?: (error: unknown) => void,
      onSynced?: (point: number) => void,
    ) => {
      for (const event of this.snapshot) listener(event);
      onReady();
      const synced = () => onSynced?.(1);
      synced();
      this.listeners.add(listener);
      this.syncedCallbacks.add(synced);
      return () => {
        this.syncedCallbacks.delete(synced);
        if (this.listeners.delete(listener)) this.unsubscribed += 1;
      };
    },
  };
}

const http = new TestHttpClient();
after(() => http.close());

async function startApp(source: FakeSource, options: RevocationStreamOptions = {}) {
  const app = Fastify() as unknown as FastifyInstance;
  app.setErrorHandler(createErrorHandler(1024));
  registerRevocationsRoute(app, source, options);
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, url };
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('revocation stream mechanics', () => {
  it('pings at the interval while the feed reads the store, and stays open and silent while it cannot', async () => {
    const source = new FakeSource();
    const { app, url } = await startApp(source, { pingIntervalMs: 20 });
    const reader = new EventStreamReader(await http.fetch(`${url}/revocations`, { headers: { authorization: BASIC } }));
    try {
      assert.equal((await reader.next())?.retry, '1000');
      assert.equal((await reader.next())?.event, 'ready');
      assert.deepEqual(await reader.next(1000), { comments: ['ping'] }, 'a keep-alive: the snapshot read the store');
      // No read since that ping: ten ping intervals of silence, the stream still open.
      await assert.rejects(reader.next(200), /no message within/);
      assert.equal(source.unsubscribed, 0);
      source.storeRead();
      assert.deepEqual(await reader.next(1000), { comments: ['ping'] }, 'pings again after a read');
    } finally {
      await reader.cancel();
      await app.close();
    }
  });

  it('cuts the stream of a client that lets more than the buffer limit pile up, and unsubscribes', async () => {
    const source = new FakeSource();
    source.snapshot = Array.from({ length: 2000 }, (_, i) => ({
      id: `e1.${i + 1}.000000000000`,
      epoch: 'e1',
      sequence: i + 1,
      jti: `jti-${i}-${'x'.repeat(40)}`,
      expiresAt: 2_000_000_000,
    }));
    const { app, url } = await startApp(source, { maxBufferedBytes: 4096 });
    try {
      // The snapshot alone overflows the limit, so the cut may even come before the response headers.
      const ended = await http.fetch(`${url}/revocations`, { headers: { authorization: BASIC } }).then(
        (response) => new EventStreamReader(response).drainToEnd(2000),
        () => true,
      );
      assert.equal(ended, true, 'the stream ended');
      await waitFor(() => source.unsubscribed === 1, 1000);
      assert.equal(source.listeners.size, 0);
    } finally {
      await app.close();
    }
  });

  it('ends open streams when the app closes, so shutdown does not wait for clients', async () => {
    const source = new FakeSource();
    const { app, url } = await startApp(source);
    const reader = new EventStreamReader(await http.fetch(`${url}/revocations`, { headers: { authorization: BASIC } }));
    await reader.next();
    await reader.next();
    const started = Date.now();
    await app.close();
    assert.ok(Date.now() - started < 1000, 'close did not wait for the client');
    assert.equal(await reader.drainToEnd(1000), true);
    assert.equal(source.unsubscribed, 1);
  });

  it('does not subscribe for a client that left while it was being authenticated', async () => {
    const source = new FakeSource();
    source.authenticationDelayMs = 100;
    const { app, url } = await startApp(source);
    try {
      const aborted = new AbortController();
      const pending = http.fetch(`${url}/revocations`, { headers: { authorization: BASIC }, signal: aborted.signal });
      setTimeout(() => aborted.abort(), 20);
      await assert.rejects(pending);
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal(source.listeners.size, 0);
    } finally {
      await app.close();
    }
  });

  it('answers HEAD with the stream content type and no stream', async () => {
    const source = new FakeSource();
    const { app, url } = await startApp(source);
    try {
      const response = await http.fetch(`${url}/revocations`, { method: 'HEAD', headers: { authorization: BASIC } });
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('content-type'), 'text/event-stream');
      assert.equal(source.listeners.size, 0);
    } finally {
      await app.close();
    }
  });

  it('refuses other methods with 405', async () => {
    const source = new FakeSource();
    const { app, url } = await startApp(source);
    try {
      const response = await http.fetch(`${url}/revocations`, { method: 'POST', headers: { authorization: BASIC } });
      assert.equal(response.status, 405);
      assert.equal(response.headers.get('allow'), 'GET, HEAD');
    } finally {
      await app.close();
    }
  });
});
