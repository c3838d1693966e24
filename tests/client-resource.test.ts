/**
 * @tollgate/client sending tokens to APIs protected by the verify SDK, against a real Tollgate on a test clock:
 * through `client.fetch` and through the axios interceptor (real axios), the same guarantees. Any number of
 * concurrent requests across an expiry share exactly one refresh, so Tollgate's reuse detection never fires; a
 * request refused as `invalid_token` is sent again once after a refresh, never more; `insufficient_scope` is a
 * typed error. Counts are of requests that reached the server and the APIs.
 */
import axios from 'axios';
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { createClient, InsufficientScopeError, InvalidTokenError, type TollgateClient } from '@tollgate/client';
import { attachTollgate } from '@tollgate/client/axios';
import {
  type ClientWorld,
  movableClock,
  type MovableClock,
  startClientWorld,
  TOKEN_TTL_SECONDS,
} from './support/client-world.js';
import { type RecordingFetch, recordingFetch } from './support/recording-fetch.js';

const CONCURRENT_REQUESTS = 50;
/** Past the token's expiry, on whichever clock is moved. */
const PAST_EXPIRY_MS = (TOKEN_TTL_SECONDS + 1) * 1000;

interface Echo {
  status: number;
  body: { subject?: string; method?: string; body?: string };
}

/** How a test calls an API through the client: fetch or axios. Client errors are thrown as they come. */
interface Transport {
  name: string;
  bind(client: TollgateClient): { get(url: string): Promise<Echo>; post(url: string, body: string): Promise<Echo> };
}

const fetchTransport: Transport = {
  name: 'client.fetch',
  bind: (client) => {
    const call = async (url: string, init?: RequestInit): Promise<Echo> => {
      const response = await client.fetch(url, init);
      return { status: response.status, body: (await response.json()) as Echo['body'] };
    };
    return {
      get: (url) => call(url),
      post: (url, body) => call(url, { method: 'POST', body, headers: { 'content-type': 'text/plain' } }),
    };
  },
};

const axiosTransport: Transport = {
  name: 'the axios interceptor',
  bind: (client) => {
    const api = axios.create({ timeout: 15_000 });
    attachTollgate(api, client);
    return {
      get: async (url) => {
        const response = await api.get<Echo['body']>(url);
        return { status: response.status, body: response.data };
      },
      post: async (url, body) => {
        const response = await api.post<Echo['body']>(url, body, { headers: { 'content-type': 'text/plain' } });
        return { status: response.status, body: response.data };
      },
    };
  },
};

for (const transport of [fetchTransport, axiosTransport]) {
  describe(`@tollgate/client through ${transport.name}`, () => {
    let world: ClientWorld;
    let recorder: RecordingFetch;
    let clock: MovableClock;
    let client: TollgateClient;
    let api: ReturnType<Transport['bind']>;

    before(async () => {
      world = await startClientWorld();
    });
    after(() => world?.stop());

    beforeEach(async () => {
      recorder = recordingFetch();
      clock = movableClock();
      // Bearer tokens: a proof's iat from this movable clock would be refused by the server's real one.
      client = createClient({ issuer: world.server.url, fetch: recorder.fetch, now: clock.now, dpop: false });
      api = transport.bind(client);
      await client.login(world.user);
      recorder.reset();
    });

    /** Moves every clock (client, server, APIs) past the token's expiry. */
    async function expireEverywhere(): Promise<void> {
      clock.advance(PAST_EXPIRY_MS);
      await world.advanceServerClock(PAST_EXPIRY_MS);
    }

    it(`shares exactly one refresh among ${CONCURRENT_REQUESTS} concurrent requests across an expiry`, async () => {
      await expireEverywhere();
      const results = await Promise.all(Array.from({ length: CONCURRENT_REQUESTS }, () => api.get(world.readApi.url)));
      assert.deepEqual(
        results.map((result) => result.status),
        Array(CONCURRENT_REQUESTS).fill(200),
      );
      assert.ok(results.every((result) => result.body.subject !== undefined));
      const refreshes = recorder.grants('refresh_token');
      assert.equal(refreshes.length, 1, `${refreshes.length} refreshes reached the server`);
      assert.equal(refreshes[0]?.status, 200);
      // A second refresh of the rotated token succeeds: the family was never replayed, so never revoked.
      await expireEverywhere();
      assert.equal((await api.get(world.readApi.url)).status, 200);
      assert.equal(recorder.grants('refresh_token').length, 2);
    });

    it('sends a request refused as invalid_token again once, after one refresh, body and all', async () => {
      // The client's clock stays: it thinks its token fresh, the API (on the server's clock) finds it expired.
      await world.advanceServerClock(PAST_EXPIRY_MS);
      const attemptsBefore = world.readApi.attempts();
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, index) => api.post(world.readApi.url, `payload ${index}`)),
      );
      assert.deepEqual(
        results.map((result) => [result.status, result.body.method, result.body.body]),
        results.map((_, index) => [200, 'POST', `payload ${index}`]),
      );
      assert.equal(world.readApi.attempts() - attemptsBefore, 40, 'each request: one refusal, one retry');
      assert.equal(recorder.grants('refresh_token').length, 1);
    });

    it('retries once, never more: a token refused again after the refresh is an InvalidTokenError', async () => {
      const attemptsBefore = world.otherAudienceApi.attempts();
      await assert.rejects(api.get(world.otherAudienceApi.url), (error: unknown) => {
        assert.ok(error instanceof InvalidTokenError, `got ${String(error)}`);
        assert.equal(error.code, 'ERR_INVALID_TOKEN');
        assert.equal(error.status, 401);
        assert.equal(error.errorDescription, 'The access token is not for this API');
        return true;
      });
      assert.equal(world.otherAudienceApi.attempts() - attemptsBefore, 2);
      assert.equal(recorder.grants('refresh_token').length, 1);
    });

    it('surfaces insufficient_scope as an InsufficientScopeError naming the scope, without refreshing', async () => {
      await assert.rejects(api.get(world.writeApi.url), (error: unknown) => {
        assert.ok(error instanceof InsufficientScopeError, `got ${String(error)}`);
        assert.equal(error.code, 'ERR_INSUFFICIENT_SCOPE');
        assert.equal(error.status, 403);
        assert.deepEqual(error.requiredScopes, ['write:data']);
        return true;
      });
      assert.equal(recorder.grants('refresh_token').length, 0);
    });
  });
}
