/**
 * Shutdown never hangs on a client. Revocation-stream clients (gateways, the SDK) never hang up, so on
 * SIGTERM the server must end every stream itself: those open, and those still being authenticated when
 * shutdown began, which would otherwise open afterwards and hold the process forever. And whatever a
 * client does (a request body that never finishes), the process exits once drainDelay + shutdownGrace
 * have passed.
 */
import assert from 'node:assert/strict';
import { Agent, type IncomingMessage, request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { basicAuthorization } from './support/http.js';
import { seedStandard, type StandardSeed } from './support/seed.js';
import { startTollgate, type TollgateProcess } from './support/tollgate.js';

/** Far beyond a clean exit (well under a second here), far below the 30 s request timeout. */
const EXIT_BOUND_MS = 15_000;
/**
 * SIGTERM this long after the stream request was sent. With `slowAuthentication` the client failed once
 * before, so the brute-force delay holds its next authentication AUTH_DELAY_MS: SIGTERM then surely comes
 * while the stream is still being authenticated. Without, it lands before, during or after the argon2 check.
 */
const ATTEMPTS = [
  { offsetMs: 0, slowAuthentication: true },
  { offsetMs: 5, slowAuthentication: true },
  { offsetMs: 20, slowAuthentication: true },
  { offsetMs: 100, slowAuthentication: true },
  { offsetMs: 0, slowAuthentication: false },
  { offsetMs: 2, slowAuthentication: false },
  { offsetMs: 5, slowAuthentication: false },
  { offsetMs: 10, slowAuthentication: false },
  { offsetMs: 20, slowAuthentication: false },
  { offsetMs: 40, slowAuthentication: false },
];
const AUTH_DELAY_MS = 400;

type Outcome =
  | { kind: 'response'; status: number; headers: IncomingMessage['headers']; text: string }
  | { kind: 'error'; code: string };

interface StreamClient {
  /** Resolves once the request is on the wire. */
  sent: Promise<void>;
  /** Resolves once the first event (`ready`, or an error body) arrived. */
  started: Promise<void>;
  /** How the exchange ended: the complete response, or the connection's error. */
  outcome: Promise<Outcome>;
}

/** A client that, like a gateway, never hangs up a stream: only the server can end it. */
function openStream(url: string, authorization: string, agent?: Agent): StreamClient {
  let markSent = () => {};
  let markStarted = () => {};
  const sent = new Promise<void>((resolve) => (markSent = resolve));
  const started = new Promise<void>((resolve) => (markStarted = resolve));
  const outcome = new Promise<Outcome>((resolve) => {
    const req = httpRequest(`${url}/revocations`, { headers: { authorization }, ...(agent ? { agent } : {}) });
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
        if (res.statusCode !== 200 || text.includes('event: ready')) markStarted();
      });
      res.on('end', () => resolve({ kind: 'response', status: res.statusCode ?? 0, headers: res.headers, text }));
      res.on('error', (error: NodeJS.ErrnoException) => resolve({ kind: 'error', code: error.code ?? error.message }));
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ kind: 'error', code: error.code ?? error.message }));
    req.end(markSent);
  });
  return { sent, started, outcome };
}

function get(url: string, agent: Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    httpRequest(url, { agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    })
      .on('error', reject)
      .end();
  });
}

/** A stream that opened and that the server then ended: a complete 200 response, `ready` or not by then. */
function assertEndedStream(outcome: Outcome, what: string, expected: RegExp = /^retry: 1000\n\n/): void {
  assert.equal(outcome.kind, 'response', `${what}: ${JSON.stringify(outcome)}`);
  if (outcome.kind !== 'response') return;
  assert.equal(outcome.status, 200, `${what}: ${outcome.text}`);
  assert.match(outcome.text, expected, what);
}

/**
 * A stream asked for while the server shuts down either opened and was ended (200, complete), or was
 * refused with 503 temporarily_unavailable and Retry-After (RFC 6749 5.2, RFC 9110 10.2.3). A connection
 * closed before the server read the request is the keep-alive drain's business, not this file's.
 */
function assertLateStreamSettled(outcome: Outcome, what: string): void {
  if (outcome.kind === 'error') {
    assert.match(outcome.code, /^(ECONNRESET|socket hang up)$/, what);
    return;
  }
  if (outcome.status === 200) {
    assertEndedStream(outcome, what);
    return;
  }
  assert.equal(outcome.status, 503, `${what}: ${outcome.text}`);
  assert.equal(outcome.headers['retry-after'], '2', what);
  assert.equal((JSON.parse(outcome.text) as { error?: unknown }).error, 'temporarily_unavailable', what);
}

describe('shutdown with revocation streams', () => {
  let server: TollgateProcess;
  let seed: StandardSeed;
  let authorization: string;
  let wrongAuthorization: string;
  before(async () => {
    // A long grace: the streams must end because the server ends them, not because the deadline cut them.
    server = await startTollgate({
      env: { TOLLGATE_DRAIN_DELAY: '0s', TOLLGATE_SHUTDOWN_GRACE: '60s' },
      config: {
        bruteForce: {
          account: { slowAfter: 1, blockAfter: 1000 },
          delayStepMs: AUTH_DELAY_MS,
          maxDelayMs: AUTH_DELAY_MS,
        },
      },
    });
    seed = await seedStandard(server);
    authorization = basicAuthorization(seed.backend.clientId, seed.backend.clientSecret);
    wrongAuthorization = basicAuthorization(seed.backend.clientId, `${seed.backend.clientSecret}-wrong`);
  });
  after(() => server?.stop());

  it('ends every stream, open or still authenticating, and exits, whenever SIGTERM comes', async () => {
    for (const [attempt, { offsetMs, slowAuthentication }] of ATTEMPTS.entries()) {
      if (attempt > 0) await server.restart();
      const what = `attempt ${attempt} (SIGTERM ${offsetMs} ms after the request, slow authentication: ${slowAuthentication})`;
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      try {
        const established = openStream(server.url, authorization);
        await established.started;
        if (slowAuthentication) {
          const refused = await openStream(server.url, wrongAuthorization).outcome;
          assert.equal(refused.kind === 'response' && refused.status, 401, JSON.stringify(refused));
        }
        // The late stream goes on a connection the server has already accepted and answered on.
        assert.equal(await get(`${server.url}/healthz`, agent), 200);
        const late = openStream(server.url, authorization, agent);
        await late.sent;
        if (offsetMs > 0) await delay(offsetMs);
        server.signal('SIGTERM');

        assert.equal(await server.exited(EXIT_BOUND_MS), true, `${what}: still running ${EXIT_BOUND_MS} ms later`);
        assertEndedStream(await established.outcome, `${what}, open stream`, /event: ready/);
        assertLateStreamSettled(await late.outcome, `${what}, late stream`);
      } finally {
        agent.destroy();
      }
    }
    assert.doesNotMatch(server.output(), /shutdown failed/);
  });
});

describe('shutdown with a request that never finishes', () => {
  let server: TollgateProcess;
  before(async () => {
    server = await startTollgate({ env: { TOLLGATE_DRAIN_DELAY: '0s', TOLLGATE_SHUTDOWN_GRACE: '1s' } });
  });
  after(() => server?.stop());

  it('cuts the connection after shutdownGrace and exits', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      assert.equal(await get(`${server.url}/healthz`, agent), 200);
      // Headers promise a body that never comes: in flight until the server gives up on it. The server's
      // `100 Continue` (RFC 9110 10.1.1) shows it has read the headers, so the request is in flight.
      const cut = new Promise<string>((resolve) => {
        const req = httpRequest(`${server.url}/token`, {
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            'content-length': 100,
            expect: '100-continue',
          },
        });
        req.on('continue', () => req.write('grant_type=client', () => server.signal('SIGTERM')));
        req.on('response', (res) => resolve(`answered ${res.statusCode}`));
        req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
        req.flushHeaders();
      });
      assert.equal(await server.exited(EXIT_BOUND_MS), true, `still running ${EXIT_BOUND_MS} ms after SIGTERM`);
      assert.match(await cut, /^(ECONNRESET|socket hang up)$/);
      assert.match(server.output(), /requests still in flight after the shutdown grace; cutting them off/);
    } finally {
      agent.destroy();
    }
  });
});
