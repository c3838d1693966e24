/**
 * Draining under load resets no request. Many keep-alive clients send continuously; on SIGTERM the node
 * answers every request with `Connection: close` and `/readyz` turns 503, and a client stops sending once
 * it has seen either. With the default drainDelay such a client never has a request reset (ECONNRESET,
 * socket hang up): every request sent gets a complete answer, and the process exits.
 */
import assert from 'node:assert/strict';
import { Agent, request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { startTollgate, type TollgateProcess } from './support/tollgate.js';
import { waitUntil } from './support/wait.js';

const CLIENTS = 16;
/** The default drainDelay plus the 10 s shutdownGrace, and a wide margin for a busy machine. */
const EXIT_BOUND_MS = 40_000;
const PATHS = ['/.well-known/jwks.json', '/.well-known/oauth-authorization-server', '/healthz'];

interface Tally {
  sent: number;
  answered: number;
  /** Answers that arrived after SIGTERM (the node kept serving while draining). */
  answeredWhileDraining: number;
  closeAnswers: number;
  statuses: Map<number, number>;
  errors: string[];
}

/** One answer, read to its end; rejects with the connection's error. */
function send(url: string, agent: Agent): Promise<{ status: number; connection: string | undefined }> {
  return new Promise((resolve, reject) => {
    httpRequest(url, { agent }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection }));
      res.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}

/** What a well-behaved client (a load balancer's pool, a service mesh) does once the node says it is leaving. */
class LoadClients {
  readonly tally: Tally = {
    sent: 0,
    answered: 0,
    answeredWhileDraining: 0,
    closeAnswers: 0,
    statuses: new Map(),
    errors: [],
  };
  #draining = false;
  #unready = false;
  readonly #url: string;
  readonly #agents: Agent[] = [];
  readonly #loops: Promise<void>[] = [];

  constructor(url: string) {
    this.#url = url;
  }

  start(): void {
    for (let client = 0; client < CLIENTS; client += 1) {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      this.#agents.push(agent);
      this.#loops.push(this.#clientLoop(agent, client));
    }
    this.#loops.push(this.#probeLoop());
  }

  /** From now on answers count as answered while draining. */
  markSigterm(): void {
    this.#draining = true;
  }

  /** Resolves once every client has stopped. */
  async stopped(): Promise<void> {
    await Promise.all(this.#loops);
    for (const agent of this.#agents) agent.destroy();
  }

  async #clientLoop(agent: Agent, client: number): Promise<void> {
    for (let index = client; !this.#unready; index += 1) {
      this.tally.sent += 1;
      try {
        const answer = await send(`${this.#url}${PATHS[index % PATHS.length]}`, agent);
        this.#count(answer.status);
        if (answer.connection === 'close') {
          this.tally.closeAnswers += 1;
          return;
        }
      } catch (error) {
        this.tally.errors.push((error as NodeJS.ErrnoException).code ?? String(error));
        return;
      }
    }
  }

  /** Like a load balancer: /readyz on its own connection, until it says 503. */
  async #probeLoop(): Promise<void> {
    const agent = new Agent({ keepAlive: false });
    this.#agents.push(agent);
    while (!this.#unready) {
      try {
        const answer = await send(`${this.#url}/readyz`, agent);
        if (answer.status === 503) this.#unready = true;
      } catch (error) {
        this.tally.errors.push(`readyz: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
        this.#unready = true;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  #count(status: number): void {
    this.tally.answered += 1;
    if (this.#draining) this.tally.answeredWhileDraining += 1;
    this.tally.statuses.set(status, (this.tally.statuses.get(status) ?? 0) + 1);
  }
}

describe('draining keep-alive connections under load', () => {
  let server: TollgateProcess;
  before(async () => {
    server = await startTollgate({ defaultDrainDelay: true });
  });
  after(() => server?.stop());

  it('answers every request sent on a keep-alive connection, resets none, and exits', async () => {
    const clients = new LoadClients(server.url);
    clients.start();
    await waitUntil(
      'every client having its keep-alive connection in use',
      async () => (clients.tally.answered >= CLIENTS * 5 ? true : undefined),
      { timeoutMs: 30_000, intervalMs: 20 },
    );
    clients.markSigterm();
    server.signal('SIGTERM');
    await clients.stopped();
    assert.equal(await server.exited(EXIT_BOUND_MS), true, `still running ${EXIT_BOUND_MS} ms after SIGTERM`);

    const { tally } = clients;
    assert.deepEqual(tally.errors, [], 'requests reset or cut off during the drain');
    assert.equal(tally.answered, tally.sent, 'every request sent got a complete answer');
    assert.deepEqual([...tally.statuses.keys()], [200]);
    assert.ok(tally.answeredWhileDraining > 0, 'the node kept serving while draining');
    assert.ok(tally.closeAnswers > 0, 'answers during the drain say Connection: close');
    assert.match(server.output(), /"signal":"SIGTERM"/);
  });
});

/** A token request whose headers are read (the server's `100 Continue`) but whose body never comes. */
function requestInFlight(url: string): Promise<{ answer: Promise<string> }> {
  return new Promise((resolveStarted) => {
    const req = httpRequest(`${url}/token`, {
      method: 'POST',
      agent: new Agent({ keepAlive: false }),
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': 50, expect: '100-continue' },
    });
    const answer = new Promise<string>((resolve) => {
      req.on('response', (res) => {
        res.resume();
        resolve(`answered ${res.statusCode}`);
      });
      req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    });
    req.on('continue', () => resolveStarted({ answer }));
    req.flushHeaders();
  });
}

async function connectionRefused(url: string): Promise<boolean> {
  try {
    await send(`${url}/healthz`, new Agent({ keepAlive: false }));
    return false;
  } catch {
    return true;
  }
}

describe('idle keep-alive connections at close', () => {
  let server: TollgateProcess;
  before(async () => {
    server = await startTollgate({ env: { TOLLGATE_DRAIN_DELAY: '0s', TOLLGATE_SHUTDOWN_GRACE: '1s' } });
  });
  after(() => server?.stop());

  it('stay open, and serve, until the requests in flight have answered', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      assert.equal((await send(`${server.url}/healthz`, agent)).status, 200);
      const inFlight = await requestInFlight(server.url);
      server.signal('SIGTERM');
      await waitUntil(
        'the listener closing after SIGTERM',
        async () => ((await connectionRefused(server.url)) ? true : undefined),
        { timeoutMs: 10_000, intervalMs: 50 },
      );
      // The connection was idle when the server closed; a request on it now is still answered, closing it.
      const late = await send(`${server.url}/healthz`, agent);
      assert.deepEqual(late, { status: 200, connection: 'close' });
      // The request in flight never completes its body: the shutdown grace cuts it, and the process exits.
      assert.equal(await server.exited(EXIT_BOUND_MS), true, `still running ${EXIT_BOUND_MS} ms after SIGTERM`);
      assert.match(await inFlight.answer, /^(ECONNRESET|socket hang up)$/);
    } finally {
      agent.destroy();
    }
  });
});
