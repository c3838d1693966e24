/**
 * Graceful shutdown as a load balancer sees it: on SIGTERM the node first reports itself unready
 * (/readyz 503) while still serving, then stops accepting connections, and a request already in flight
 * is still answered in full before the process exits.
 */
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { basicAuthorization, type HttpResult, readHttpResult, request } from './support/http.js';
import { seedStandard, type StandardSeed } from './support/seed.js';
import { startTollgate, type TollgateProcess } from './support/tollgate.js';
import { waitUntil } from './support/wait.js';

const DRAIN_DELAY_SECONDS = 1;

interface SlowRequest {
  /** Sends the rest of the body. */
  finish(): void;
  response: Promise<HttpResult>;
}

/**
 * A token request whose body arrives in two parts: in flight from the first byte until `finish()`. It
 * asks for `100 Continue` (RFC 9110 10.1.1), so it resolves once the server has read the headers and
 * holds the request open, with no guess at how long that takes.
 */
function slowTokenRequest(url: string, seed: StandardSeed): Promise<SlowRequest> {
  const body = new URLSearchParams({ grant_type: 'client_credentials', scope: 'read:data' }).toString();
  const half = Math.floor(body.length / 2);
  return new Promise((resolveStarted, rejectStarted) => {
    const req = httpRequest(`${url}/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'content-length': Buffer.byteLength(body),
        authorization: basicAuthorization(seed.backend.clientId, seed.backend.clientSecret),
        expect: '100-continue',
      },
    });
    const response = new Promise<HttpResult>((resolve, reject) => {
      req.on('response', (res) => readHttpResult(res).then(resolve, reject));
      req.on('error', reject);
    });
    response.catch(() => undefined);
    req.on('error', rejectStarted);
    req.on('continue', () => {
      req.write(body.slice(0, half), () => resolveStarted({ finish: () => req.end(body.slice(half)), response }));
    });
    req.flushHeaders();
  });
}

async function connectionRefused(url: string): Promise<boolean> {
  try {
    await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000), headers: { connection: 'close' } });
    return false;
  } catch {
    return true;
  }
}

describe('graceful shutdown', () => {
  let server: TollgateProcess;
  let seed: StandardSeed;
  before(async () => {
    server = await startTollgate({ env: { TOLLGATE_DRAIN_DELAY: `${DRAIN_DELAY_SECONDS}s` } });
    seed = await seedStandard(server);
  });
  after(() => server?.stop());

  it('reports unready at once on SIGTERM, stops accepting after the drain delay, and finishes the request in flight', async () => {
    assert.equal((await request(`${server.url}/readyz`)).status, 200);
    const slow = await slowTokenRequest(server.url, seed);
    const stopped = server.stop(); // SIGTERM, then waits for the exit

    const { value: unready } = await waitUntil(
      '/readyz answering 503 after SIGTERM',
      async () => {
        const ready = await request(`${server.url}/readyz`, { headers: { connection: 'close' } });
        return ready.status === 503 ? ready : undefined;
      },
      { timeoutMs: 900, intervalMs: 50 },
    );
    assert.deepEqual(unready.json, { status: 'unavailable', reason: 'shutting down' });
    const live = await request(`${server.url}/healthz`, { headers: { connection: 'close' } });
    assert.equal(live.status, 200, 'liveness must hold while draining');

    await waitUntil(
      'new connections being refused after the drain delay',
      async () => ((await connectionRefused(server.url)) ? true : undefined),
      { timeoutMs: DRAIN_DELAY_SECONDS * 1000 + 3000, intervalMs: 100 },
    );
    assert.equal(server.alive(), true, 'the process exited with a request still in flight');

    slow.finish();
    const answer = await slow.response;
    assert.equal(answer.status, 200, `in-flight request: ${answer.status} ${answer.text}`);
    assert.equal(typeof (answer.json as { access_token?: unknown }).access_token, 'string');
    const answeredAt = Date.now();
    await stopped;
    // Well inside the harness's 5 s before SIGKILL: nothing (an idle keep-alive connection) held the exit up.
    assert.ok(Date.now() - answeredAt < 2000, `the process took ${Date.now() - answeredAt} ms to exit`);
    assert.equal(server.alive(), false);
    assert.match(server.output(), /"signal":"SIGTERM"/);
  });
});
