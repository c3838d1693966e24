import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DenyList } from '../src/deny-list.js';
import { RevocationStream } from '../src/revocations.js';
import { FakeIssuer } from './fake-issuer.js';
import { CLIENT, verifierFor } from './harness.js';
import { assertRefused, claimsAt, FakeClock, makeKey, signWith, waitFor } from './support.js';

async function withIssuer(
  options: { pingIntervalMs?: number; retryMs?: number },
  run: (server: FakeIssuer) => Promise<void>,
): Promise<void> {
  const server = await FakeIssuer.start({ keys: [makeKey()], client: CLIENT, ...options });
  try {
    await run(server);
  } finally {
    await server.stop();
  }
}

/** Long enough that a loaded machine never delays a 50 ms ping past it. */
const IDLE_TIMEOUT_MS = 1_000;

const REVOKED = { status: 401, error: 'invalid_token', description: 'The access token was revoked' };

describe('revocation stream', () => {
  it('refuses a revoked token within 1 s, even one already in the verified-token cache', () =>
    withIssuer({}, async (server) => {
      const clock = new FakeClock();
      const verifier = verifierFor(server, clock, { client: CLIENT });
      await verifier.ready();
      const claims = claimsAt(server.issuer, clock.seconds);
      const token = await signWith(server.signingKey, claims);
      await verifier.verify(token);
      await verifier.verify(token);
      server.revoke(claims.jti, claims.exp);
      const elapsedMs = await waitFor(
        () =>
          verifier.verify(token).then(
            () => false,
            () => true,
          ),
        1_000,
      );
      assert.ok(elapsedMs < 1_000);
      await assertRefused(verifier.verify(token), REVOKED);
      assert.deepEqual(verifier.revocationStatus(), { connected: true, staleMs: 0, revokedCount: 1 });
    }));

  it('connects to the revocation_stream_endpoint the metadata names, and to nothing when it names none', async () => {
    for (const advertised of [true, false]) {
      const server = await FakeIssuer.start({
        keys: [makeKey()],
        client: CLIENT,
        extraMetadata: (issuer) => ({ revocation_stream_endpoint: advertised ? `${issuer}/revocations` : undefined }),
      });
      try {
        const requested: string[] = [];
        const recording: typeof fetch = (input, init) => {
          requested.push(new URL(String(input)).pathname);
          return fetch(input, init);
        };
        const verifier = verifierFor(server, new FakeClock(), { client: CLIENT, fetch: recording });
        await verifier.ready();
        assert.equal(verifier.revocationStatus().connected, advertised, `advertised: ${advertised}`);
        assert.equal(requested.includes('/revocations'), advertised, `requested ${requested.join(' ')}`);
        await verifier.close();
      } finally {
        await server.stop();
      }
    }
  });

  it('refuses a token revoked before the verifier started, from the first request on', () =>
    withIssuer({}, async (server) => {
      const clock = new FakeClock();
      const claims = claimsAt(server.issuer, clock.seconds);
      server.revoke(claims.jti, claims.exp);
      const verifier = verifierFor(server, clock, { client: CLIENT });
      await assertRefused(verifier.verify(await signWith(server.signingKey, claims)), REVOKED);
    }));

  it('sends the client credentials form-urlencoded in HTTP Basic (RFC 6749 2.3.1)', () =>
    withIssuer({}, async (server) => {
      const verifier = verifierFor(server, new FakeClock(), { client: CLIENT });
      await verifier.ready();
      assert.deepEqual(server.connections, [{ lastEventId: undefined, authorized: true }]);
    }));

  it('resumes after a dropped connection with Last-Event-ID and gets what it missed', () =>
    withIssuer({ retryMs: 50 }, async (server) => {
      const clock = new FakeClock();
      const verifier = verifierFor(server, clock, { client: CLIENT });
      const before = claimsAt(server.issuer, clock.seconds);
      server.revoke(before.jti, before.exp);
      await verifier.ready();
      const live = claimsAt(server.issuer, clock.seconds);
      server.revoke(live.jti, live.exp);
      await waitFor(() => verifier.revocationStatus().revokedCount === 2, 1_000);
      server.dropStreams();
      const missed = claimsAt(server.issuer, clock.seconds);
      server.revoke(missed.jti, missed.exp);
      await waitFor(() => server.openStreams === 1, 2_000);
      assert.deepEqual(
        server.connections.map((connection) => connection.lastEventId),
        [undefined, '2'],
      );
      await waitFor(() => verifier.revocationStatus().revokedCount === 3, 1_000);
      await assertRefused(verifier.verify(await signWith(server.signingKey, missed)), REVOKED);
    }));

  it('fails closed after the configured staleness and recovers when the stream is back', () =>
    withIssuer({ retryMs: 50 }, async (server) => {
      const clock = new FakeClock();
      const verifier = verifierFor(server, clock, { client: CLIENT, failClosedAfterMs: 2_000, cacheSize: 0 });
      const token = await signWith(server.signingKey, claimsAt(server.issuer, clock.seconds));
      await verifier.verify(token);
      await server.stop();
      await waitFor(() => !verifier.revocationStatus().connected, 1_000);
      clock.advance(2_000);
      await verifier.verify(token);
      clock.advance(1);
      await assertRefused(verifier.verify(token), {
        status: 503,
        error: 'temporarily_unavailable',
        code: 'ERR_REVOCATIONS_STALE',
      });
      await server.restart();
      await waitFor(() => verifier.revocationStatus().connected, 5_000);
      assert.equal((await verifier.verify(token)).subject, 'usr_alice');
    }));

  it('fails closed from the start when the revocation snapshot never arrived', () =>
    withIssuer({}, async (server) => {
      const clock = new FakeClock();
      const client = { clientId: CLIENT.clientId, clientSecret: 'wrong' };
      const verifier = verifierFor(server, clock, { client, failClosedAfterMs: 60_000 });
      const token = await signWith(server.signingKey, claimsAt(server.issuer, clock.seconds));
      await assertRefused(verifier.verify(token), { status: 503, error: 'temporarily_unavailable' });
    }));

  it('keeps verifying signatures when the stream is down and fail-closed is off', () =>
    withIssuer({}, async (server) => {
      const clock = new FakeClock();
      const verifier = verifierFor(server, clock, { client: CLIENT, cacheSize: 0 });
      await verifier.ready();
      server.dropStreams();
      clock.advance(120_000);
      const token = await signWith(server.signingKey, claimsAt(server.issuer, clock.seconds));
      assert.equal((await verifier.verify(token)).subject, 'usr_alice');
      assert.ok(verifier.revocationStatus().staleMs >= 120_000);
    }));

  it('rejects ready() on refused credentials, without the secret in the message, and still verifies', () =>
    withIssuer({}, async (server) => {
      const clock = new FakeClock();
      const secret = 'wrong-secret-value';
      const verifier = verifierFor(server, clock, { client: { clientId: CLIENT.clientId, clientSecret: secret } });
      await assert.rejects(verifier.ready(), (error: Error) => {
        assert.match(error.message, /refused the client credentials \(status 401\)/);
        assert.ok(!error.message.includes(secret));
        return true;
      });
      const token = await signWith(server.signingKey, claimsAt(server.issuer, clock.seconds));
      assert.equal((await verifier.verify(token)).subject, 'usr_alice');
      assert.equal(verifier.revocationStatus().connected, false);
    }));

  it('treats a silent connection as dead and reconnects', () =>
    withIssuer({ pingIntervalMs: 0, retryMs: 50 }, async (server) => {
      const stream = new RevocationStream({
        url: `${server.issuer}/revocations`,
        ...CLIENT,
        denyList: new DenyList(Date.now),
        fetch,
        now: Date.now,
        idleTimeoutMs: 200,
        minBackoffMs: 10,
      });
      try {
        stream.start();
        // The server never closes these connections: only the client's idle timeout can end them.
        await waitFor(() => server.connections.length >= 3, 10_000);
      } finally {
        await stream.close();
      }
    }));

  it('does not reconnect a connection kept alive by pings', () =>
    withIssuer({ pingIntervalMs: 50 }, async (server) => {
      const stream = new RevocationStream({
        url: `${server.issuer}/revocations`,
        ...CLIENT,
        denyList: new DenyList(Date.now),
        fetch,
        now: Date.now,
        idleTimeoutMs: IDLE_TIMEOUT_MS,
      });
      try {
        stream.start();
        assert.equal(await stream.firstSync(), 'synced');
        // Three idle timeouts' worth of pings: a client that ignored them would have reconnected meanwhile.
        await waitFor(() => server.pingsSent >= (3 * IDLE_TIMEOUT_MS) / 50, 30_000);
        assert.equal(server.connections.length, 1);
        assert.ok(stream.status().staleMs < IDLE_TIMEOUT_MS);
      } finally {
        await stream.close();
      }
    }));
});

/** A fetch answering with the given SSE chunks, then keeping the stream open (as a live server does). */
function scriptedFetch(chunks: readonly string[], contentType = 'text/event-stream'): typeof fetch {
  return async () => {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
      },
    });
    return new Response(body, { status: 200, headers: { 'content-type': contentType } });
  };
}

/** Records each reconnect delay asked for, and lets it pass at once. */
class InstantTimer {
  readonly delays: number[] = [];
  setTimeout(callback: () => void, ms: number): unknown {
    this.delays.push(ms);
    return setImmediate(callback);
  }
  clearTimeout(handle: unknown): void {
    clearImmediate(handle as ReturnType<typeof setImmediate>);
  }
}

/** A fetch answering `busy` 503s with these headers, then an open stream that has sent `ready`. */
function busyThenReady(busy: number, headers: Record<string, string>): { fetch: typeof fetch; calls: () => number } {
  let calls = 0;
  const ready = scriptedFetch(['event: ready\ndata: {}\n\n']);
  return {
    calls: () => calls,
    fetch: async (input, init) => {
      calls += 1;
      if (calls > busy) return ready(input, init);
      const body = '{"error":"temporarily_unavailable","error_description":"The database is unavailable"}';
      return new Response(body, { status: 503, headers: { 'content-type': 'application/json', ...headers } });
    },
  };
}

describe('revocation stream: when to reconnect', () => {
  async function delaysBeforeReady(busy: number, headers: Record<string, string>): Promise<number[]> {
    const timer = new InstantTimer();
    const server = busyThenReady(busy, headers);
    const stream = new RevocationStream({
      url: 'https://auth.example.com/revocations',
      ...CLIENT,
      denyList: new DenyList(Date.now),
      fetch: server.fetch,
      now: () => Date.parse('2026-12-05T06:00:00Z'),
      random: () => 0.5,
      reconnectTimer: timer,
    });
    try {
      stream.start();
      await waitFor(() => stream.status().connected, 10_000);
      assert.equal(server.calls(), busy + 1);
      return timer.delays;
    } finally {
      await stream.close();
    }
  }

  it('comes back when a busy server says (Retry-After), not after a backoff that doubled through the outage', async () => {
    // Jitter 0.5: a quarter of the delay, halved. Without Retry-After the delays would double: 188, 375, 750, 1500...
    assert.deepEqual(await delaysBeforeReady(6, { 'retry-after': '2' }), [2250, 2250, 2250, 2250, 2250, 2250]);
  });

  it('reads Retry-After as an HTTP date too, and keeps it within the backoff bounds', async () => {
    assert.deepEqual(await delaysBeforeReady(1, { 'retry-after': 'Sat, 05 Dec 2026 06:00:04 GMT' }), [4500]);
    assert.deepEqual(await delaysBeforeReady(1, { 'retry-after': '0' }), [281.25]);
    assert.deepEqual(await delaysBeforeReady(1, { 'retry-after': '3600' }), [10_000]);
  });

  it('takes a Retry-After it cannot read for none, and backs off as usual', async () => {
    // Whoever answers for the issuer chooses this header: a value that is no delay-seconds or HTTP-date names no time.
    for (const value of ['soon', '-1', '1.5', '1e3', '9999999999', '']) {
      assert.deepEqual(await delaysBeforeReady(2, { 'retry-after': value }), [187.5, 375], `Retry-After: ${value}`);
    }
  });

  it('backs off exponentially when the server names no time', async () => {
    assert.deepEqual(await delaysBeforeReady(4, {}), [187.5, 375, 750, 1500]);
  });
});

describe('revocation stream: what it accepts from the server', () => {
  it('applies well-formed revocations, ignores malformed ones, and resumes after the last id', async () => {
    const clock = new FakeClock();
    const denyList = new DenyList(clock.now);
    const future = clock.seconds + 300;
    const stream = new RevocationStream({
      url: 'https://auth.example.com/revocations',
      ...CLIENT,
      denyList,
      now: clock.now,
      fetch: scriptedFetch([
        'retry: 1000\n\n',
        'id: 1\nevent: revoked\ndata: not json\n\n',
        `id: 2\nevent: revoked\ndata: {"jti":"at_good","exp":${future}}\n\n`,
        `id: 3\nevent: revoked\ndata: {"jti":42,"exp":${future}}\n\n`,
        'id: 4\nevent: revoked\ndata: {"jti":"at_no_exp"}\n\n',
        `id: 5\nevent: unknown\ndata: {"jti":"at_other_event","exp":${future}}\n\n`,
        'event: ready\ndata: {}\n\n',
      ]),
    });
    try {
      stream.start();
      assert.equal(await stream.firstSync(), 'synced');
      assert.equal(denyList.size, 1);
      assert.ok(denyList.has('at_good'));
      assert.equal(stream.lastEventId, '5');
    } finally {
      await stream.close();
    }
  });

  it('refuses a response that is not an event stream', async () => {
    const stream = new RevocationStream({
      url: 'https://auth.example.com/revocations',
      ...CLIENT,
      denyList: new DenyList(Date.now),
      now: Date.now,
      fetch: scriptedFetch(['event: ready\ndata: {}\n\n'], 'application/json'),
    });
    try {
      stream.start();
      assert.equal(await stream.firstSync(), 'unreachable');
      assert.match(stream.lastError ?? '', /status 200 \(application\/json\)/);
    } finally {
      await stream.close();
    }
  });
});
