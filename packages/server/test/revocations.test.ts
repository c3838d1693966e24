import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  DEFAULT_BRUTE_FORCE_LIMITS,
  type Tollgate,
  generateEncryptionSecret,
  openTollgate,
  parseEncryptionKey,
  OPERATOR,
} from '@tollgate/core';
import { type SqliteStore, openSqliteStore } from '@tollgate/store-sql';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.js';
import { createLogger } from '../src/logging.js';
import { EventStreamReader, TestHttpClient } from './sse-client.js';

const API = 'https://api.example.com';

describe('GET /revocations', () => {
  let directory: string;
  let store: SqliteStore;
  let tollgate: Tollgate;
  let app: FastifyInstance;
  let url: string;
  let client: { id: string; secret: string };
  let basic: string;
  const http = new TestHttpClient();

  before(async () => {
    directory = await mkdtemp(join(tmpdir(), 'tollgate-revocations-'));
    store = await openSqliteStore({ file: join(directory, 'tollgate.db') });
    tollgate = await openTollgate(
      {
        issuer: 'http://127.0.0.1:8080',
        signingAlgorithm: 'EdDSA',
        refreshTokenTtlSeconds: 86_400,
        defaultAccessTokenTtlSeconds: 900,
        clockToleranceSeconds: 5,
        passwordLogin: true,
        bruteForce: DEFAULT_BRUTE_FORCE_LIMITS,
      },
      { store, encryptionKey: parseEncryptionKey(generateEncryptionSecret()) },
    );
    const operator = tollgate.as(OPERATOR);
    await operator.apis.create({ identifier: API, scopes: ['read'], isDefault: true });
    const created = await operator.clients.create({ name: 'verifier', scopes: ['read'] });
    client = { id: created.client.id, secret: created.clientSecret };
    basic = `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString('base64')}`;
    app = buildApp(tollgate, { bodyLimitBytes: 65_536, trustProxy: false }, createLogger({ level: 'silent' }));
    url = await app.listen({ host: '127.0.0.1', port: 0 });
  });

  after(async () => {
    await http.close();
    await app.close();
    await store.close();
    await rm(directory, { recursive: true, force: true });
  });

  /** Issues an access token and revokes it through the core, as POST /revoke does; returns its jti and exp. */
  async function revokeNewToken(): Promise<{ jti: string; exp: number }> {
    const presented = { method: 'client_secret_basic' as const, clientId: client.id, clientSecret: client.secret };
    const issued = await tollgate.token({
      params: new Map([['grant_type', 'client_credentials']]),
      resources: [],
      client: presented,
      remoteAddress: '127.0.0.1',
    });
    await tollgate.revoke({
      token: issued.access_token,
      tokenTypeHint: undefined,
      client: presented,
      remoteAddress: '127.0.0.1',
    });
    const payload = JSON.parse(Buffer.from(issued.access_token.split('.')[1] ?? '', 'base64url').toString('utf8'));
    return { jti: payload.jti, exp: payload.exp };
  }

  async function connect(headers: Record<string, string> = {}): Promise<EventStreamReader> {
    const response = await http.fetch(`${url}/revocations`, { headers: { authorization: basic, ...headers } });
    assert.equal(response.status, 200, await (response.status === 200 ? '' : response.text()));
    return new EventStreamReader(response);
  }

  /** Reads the stream up to `ready`, returning the revoked events before it. */
  async function snapshotOf(reader: EventStreamReader) {
    const retry = await reader.nextEvent();
    assert.equal(retry?.retry, '1000', 'the stream opens with the reconnection delay');
    const revoked = [];
    for (;;) {
      const message = await reader.nextEvent();
      assert.ok(message, 'the stream ended before ready');
      if (message.event === 'ready') {
        assert.equal(message.data, '{}');
        assert.equal(message.id, undefined);
        return revoked;
      }
      assert.equal(message.event, 'revoked');
      revoked.push({ id: message.id ?? '', ...JSON.parse(message.data ?? '') });
    }
  }

  function sequenceOf(id: string | undefined): number {
    return Number(id?.split('.')[1] ?? Number.NaN);
  }

  async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) assert.fail(`condition not met within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  it('refuses a caller without client credentials with 401 invalid_client and a Basic challenge', async () => {
    const response = await http.fetch(`${url}/revocations`);
    assert.equal(response.status, 401);
    assert.equal(response.headers.get('www-authenticate'), 'Basic realm="tollgate"');
    assert.equal(response.headers.get('cache-control'), 'no-store');
    assert.deepEqual(await response.json(), {
      error: 'invalid_client',
      error_description: 'Client authentication is required',
    });
  });

  it('refuses a wrong client secret with 401 invalid_client', async () => {
    const wrong = `Basic ${Buffer.from(`${client.id}:not-the-secret`).toString('base64')}`;
    const response = await http.fetch(`${url}/revocations`, { headers: { authorization: wrong } });
    assert.equal(response.status, 401);
    assert.equal(((await response.json()) as { error: string }).error, 'invalid_client');
    assert.equal(tollgate.revocationFeed.subscriberCount, 0);
  });

  it('refuses a bearer token in place of client credentials', async () => {
    const response = await http.fetch(`${url}/revocations`, { headers: { authorization: 'Bearer abc.def.ghi' } });
    assert.equal(response.status, 401);
    assert.equal(((await response.json()) as { error: string }).error, 'invalid_client');
  });

  it('refuses a Last-Event-ID that is no id it could have sent with 400 invalid_request', async () => {
    for (const lastEventId of ['abc', '-1', '1.5', '99999999999999999', 'e1.1.xyz', 'e1.1']) {
      const response = await http.fetch(`${url}/revocations`, {
        headers: { authorization: basic, 'last-event-id': lastEventId },
      });
      assert.equal(response.status, 400, lastEventId);
      assert.equal(((await response.json()) as { error: string }).error, 'invalid_request');
    }
  });

  it('opens with SSE headers, sends the snapshot of live revocations, then ready', async () => {
    const first = await revokeNewToken();
    const second = await revokeNewToken();
    const reader = await connect();
    try {
      assert.equal(reader.response.headers.get('content-type'), 'text/event-stream');
      assert.equal(reader.response.headers.get('cache-control'), 'no-store');
      assert.equal(reader.response.headers.get('x-accel-buffering'), 'no');
      const snapshot = await snapshotOf(reader);
      const tail = snapshot.slice(-2);
      assert.deepEqual(
        tail.map(({ jti, exp }) => ({ jti, exp })),
        [first, second],
      );
      const [epoch] = (tail[0]?.id ?? '').split('.');
      assert.equal(epoch, (await store.revocations.position()).epoch, 'event ids name the store’s epoch');
      assert.ok(sequenceOf(tail[0]?.id) < sequenceOf(tail[1]?.id), 'event ids follow the revocation sequence');
    } finally {
      await reader.cancel();
    }
  });

  it('sends a revocation made on this server within a second', async () => {
    const reader = await connect();
    try {
      await snapshotOf(reader);
      const started = Date.now();
      const revoked = await revokeNewToken();
      const message = await reader.nextEvent(1000);
      assert.equal(message?.event, 'revoked');
      assert.deepEqual(JSON.parse(message?.data ?? ''), revoked);
      assert.ok(Date.now() - started < 1000);
    } finally {
      await reader.cancel();
    }
  });

  it('resumes after Last-Event-ID with only the later revocations', async () => {
    await revokeNewToken();
    const everything = await connect();
    const snapshot = await snapshotOf(everything);
    await everything.cancel();
    const last = snapshot.at(-1);
    assert.ok(last);

    const later = await revokeNewToken();
    const resumed = await connect({ 'last-event-id': last.id });
    try {
      const missed = await snapshotOf(resumed);
      assert.deepEqual(
        missed.map(({ jti }) => jti),
        [later.jti],
      );
    } finally {
      await resumed.cancel();
    }
  });

  describe('gives a full resync of the live list, never an error, to a verifier it cannot resume', () => {
    /** Every live revocation and the id of the newest, read from a fresh connection. */
    async function fullSnapshot() {
      const reader = await connect();
      try {
        return await snapshotOf(reader);
      } finally {
        await reader.cancel();
      }
    }

    async function assertResync(lastEventId: string, what: string) {
      await revokeNewToken();
      const everything = await fullSnapshot();
      const resumed = await connect({ 'last-event-id': lastEventId });
      try {
        const withoutIds = (events: { jti: string; exp: number }[]) => events.map(({ jti, exp }) => ({ jti, exp }));
        assert.deepEqual(withoutIds(await snapshotOf(resumed)), withoutIds(everything), what);
      } finally {
        await resumed.cancel();
      }
    }

    it('an old-format id (a bare sequence, from a server before epochs)', async () => {
      const newest = sequenceOf((await fullSnapshot()).at(-1)?.id);
      await assertResync(String(newest), 'a legacy id at the newest sequence');
    });

    it('an id of another epoch', async () => {
      const newest = (await fullSnapshot()).at(-1)?.id ?? '';
      await assertResync(newest.replace(/^[^.]+/, 'AnotherEpoch0000'), 'another epoch');
    });

    it('an id ahead of the store, which proves the store went backwards and starts a new epoch', async () => {
      const before = await store.revocations.position();
      const tag = (await fullSnapshot()).at(-1)?.id.split('.')[2] ?? '';
      const ahead = `${before.epoch}.${before.highestSequence + 100}.${tag}`;
      const resumed = await connect({ 'last-event-id': ahead });
      try {
        const snapshot = await snapshotOf(resumed);
        const { epoch } = await store.revocations.position();
        assert.notEqual(epoch, before.epoch, 'a new epoch');
        assert.ok(snapshot.length > 0 && snapshot.every((event) => event.id.startsWith(`${epoch}.`)));
      } finally {
        await resumed.cancel();
      }
    });

    it('an id whose sequence the store now gives to another revocation', async () => {
      const newest = (await fullSnapshot()).at(-1)?.id ?? '';
      await assertResync(newest.replace(/[0-9a-f]{12}$/, '000000000000'), 'same sequence, another jti');
      assert.ok(!newest.startsWith(`${(await store.revocations.position()).epoch}.`), 'a new epoch');
    });
  });

  it('delivers within a second a revocation another process writes to the same database', async () => {
    const reader = await connect();
    const other = await openSqliteStore({ file: join(directory, 'tollgate.db') });
    try {
      await snapshotOf(reader);
      const nowSeconds = Math.floor(Date.now() / 1000);
      await other.revocations.add('revoked-by-the-cli', nowSeconds, nowSeconds + 600);
      const message = await reader.nextEvent(1000);
      assert.deepEqual(JSON.parse(message?.data ?? ''), { jti: 'revoked-by-the-cli', exp: nowSeconds + 600 });
    } finally {
      await reader.cancel();
      await other.close();
    }
  });

  it('frees the subscription when the client disconnects', async () => {
    await waitFor(() => tollgate.revocationFeed.subscriberCount === 0, 1000);
    const reader = await connect();
    await snapshotOf(reader);
    assert.equal(tollgate.revocationFeed.subscriberCount, 1);
    await reader.cancel();
    await waitFor(() => tollgate.revocationFeed.subscriberCount === 0, 1000);
  });

  it('still applies the HTTPS policy: plain HTTP from a remote address is refused', async () => {
    const response = await app.inject({
      method: 'GET',
      url: '/revocations',
      headers: { authorization: basic },
      remoteAddress: '203.0.113.7',
    });
    assert.equal(response.statusCode, 403);
    assert.equal(tollgate.revocationFeed.subscriberCount, 0);
  });

  it('advertises the stream in the authorization server metadata', async () => {
    const metadata = (await (await http.fetch(`${url}/.well-known/oauth-authorization-server`)).json()) as Record<
      string,
      unknown
    >;
    assert.equal(metadata.revocation_stream_endpoint, 'http://127.0.0.1:8080/revocations');
  });
});
