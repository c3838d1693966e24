/**
 * PostgreSQL stopped under two running servers (`pg_ctl stop -m immediate`, every connection cut as in a
 * crash): the token endpoint answers 503 temporarily_unavailable (RFC 6749 5.2) with Retry-After within
 * seconds, never a 500 or a hang, and never acknowledges a revocation it could not store; /readyz says 503
 * so a load balancer stops sending traffic; gateways go on verifying JWTs already issued. With PostgreSQL
 * back, everything serves again without restarting anything.
 */
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { after, before, describe, it } from 'node:test';
import { type Cluster, startCluster, startGatewayAt } from './support/cluster.js';
import type { GatewayUnderTest } from './support/gateway.js';
import {
  assertOAuthError,
  basicAuthorization,
  type ClientCredentials,
  type HttpResult,
  postForm,
  request,
  type TokenBody,
} from './support/http.js';
import { firstUnavailable } from './support/outage.js';
import { type PrivatePostgres, privatePostgresSkipReason, startPrivatePostgres } from './support/private-postgres.js';
import { assertAccepted, firstRefusal } from './support/refusal.js';
import { addClient, seedStandard, type StandardSeed, USER_API } from './support/seed.js';
import { assertActive, clientCredentialsToken, revoke } from './support/tokens.js';
import type { TollgateProcess } from './support/tollgate.js';
import { type RecordingUpstream, startRecordingUpstream } from './support/upstream.js';
import { waitUntil } from './support/wait.js';

/** "Within a few seconds": the pool's connect timeout, not a TCP timeout of minutes. */
const ANSWER_WITHIN_MS = 5_000;
const BUDGET_MS = 1_000;

const skip = privatePostgresSkipReason() || undefined;

async function timed(send: () => Promise<HttpResult>): Promise<{ result: HttpResult; elapsedMs: number }> {
  const started = performance.now();
  const result = await send();
  return { result, elapsedMs: performance.now() - started };
}

/** A client_credentials token needs only the catalog, which may answer from memory just after the stop. */
async function untilUnavailable(send: () => Promise<HttpResult>, what: string) {
  const { result, requestMs } = await firstUnavailable(send, what, { giveUpMs: ANSWER_WITHIN_MS });
  return { result, elapsedMs: requestMs };
}

/** How many revocation streams the node has opened so far, by its log. */
function streamsOpened(node: TollgateProcess): number {
  return node.output().split('"revocation stream opened"').length - 1;
}

function assertUnavailable(answer: { result: HttpResult; elapsedMs: number }, what: string): void {
  const body = assertOAuthError(answer.result, 503, 'temporarily_unavailable');
  assert.match(String(body.error_description), /unavailable/i, `${what}: a description that says what is wrong`);
  assert.match(answer.result.headers.get('retry-after') ?? '', /^\d+$/, `${what}: Retry-After (RFC 9110 10.2.3)`);
  assert.ok(answer.elapsedMs < ANSWER_WITHIN_MS, `${what} took ${Math.round(answer.elapsedMs)} ms`);
}

describe('the cluster with PostgreSQL down', { skip }, () => {
  let postgres: PrivatePostgres;
  let cluster: Cluster;
  let nodes: readonly TollgateProcess[];
  let seed: StandardSeed;
  let upstream: RecordingUpstream;
  let gateway: GatewayUnderTest;
  let issuedBefore: TokenBody;
  let streamsOpenedBefore = 0;
  let streamClient: ClientCredentials;

  before(async () => {
    postgres = await startPrivatePostgres();
    const databaseUrl = await postgres.createDatabase('tollgate');
    cluster = await startCluster({ databaseUrl });
    nodes = cluster.nodes;
    const [nodeA, nodeB] = nodes as [TollgateProcess, TollgateProcess];
    seed = await seedStandard(nodeA);
    streamClient = await addClient(nodeA, 'verifiers', { scopes: ['read:data'] });
    upstream = await startRecordingUpstream();
    gateway = await startGatewayAt(cluster, nodeB, {
      audience: USER_API,
      client: streamClient,
      routes: [{ path: '/data', upstream: upstream.url, scopes: ['read:data'] }],
    });
    issuedBefore = await clientCredentialsToken(nodeA.url, seed.backend);
  });
  after(async () => {
    await Promise.all([gateway?.close(), upstream?.close()]);
    await cluster?.stop();
    await postgres?.destroy();
  });

  it('reports both nodes ready while PostgreSQL is up', async () => {
    for (const node of nodes) {
      const ready = await request(`${node.url}/readyz`);
      assert.equal(ready.status, 200, `${node.url}/readyz: ${ready.text}`);
    }
  });

  it('answers token requests with 503 temporarily_unavailable within seconds once PostgreSQL stops', async (t) => {
    streamsOpenedBefore = streamsOpened(nodes[1] as TollgateProcess);
    assert.ok(streamsOpenedBefore > 0, 'the gateway follows the revocation stream of the second node');
    await postgres.stop();
    t.after(() => {
      // A node that died with the database is the bug itself: say so with its last words, not as "fetch failed".
      for (const node of nodes) {
        assert.ok(node.alive(), `${node.url} exited when PostgreSQL stopped:\n${node.output().slice(-3000)}`);
      }
    });
    for (const node of nodes) {
      const grant = { grant_type: 'client_credentials' };
      const token = () => postForm(`${node.url}/token`, grant, { basic: seed.backend });
      assertUnavailable(await untilUnavailable(token, 'a token'), 'a token');
      const password = { grant_type: 'password', username: seed.user.username, password: seed.user.password };
      assertUnavailable(await timed(() => postForm(`${node.url}/token`, password, { basic: seed.backend })), 'a login');
    }
  });

  it('never acknowledges a revocation it cannot store', async () => {
    const [nodeA] = nodes as [TollgateProcess];
    const params = { token: issuedBefore.access_token, token_type_hint: 'access_token' };
    assertUnavailable(
      await timed(() => postForm(`${nodeA.url}/revoke`, params, { basic: seed.backend })),
      'a revocation',
    );
  });

  it('keeps verifying already-issued JWTs at the gateway', async () => {
    await assertAccepted(`${gateway.url}/data`, issuedBefore.access_token, 'the gateway during the outage');
  });

  it('answers /readyz 503 and /healthz 200 while PostgreSQL is down', async () => {
    for (const node of nodes) {
      const ready = await timed(() => request(`${node.url}/readyz`));
      assert.equal(ready.result.status, 503, `${node.url}/readyz: ${ready.result.text}`);
      assert.ok(ready.elapsedMs < ANSWER_WITHIN_MS, `/readyz took ${Math.round(ready.elapsedMs)} ms`);
      const live = await request(`${node.url}/healthz`);
      assert.equal(live.status, 200, `${node.url}/healthz: ${live.text}`);
    }
  });

  it('refuses a new revocation stream with 503 and Retry-After, which verifiers wait out instead of backing off', async () => {
    const authorization = basicAuthorization(streamClient.clientId, streamClient.clientSecret);
    for (const node of nodes) {
      const answer = await timed(() => request(`${node.url}/revocations`, { headers: { authorization } }));
      assertUnavailable(answer, `${node.url}/revocations`);
    }
  });

  it('serves tokens and carries revocations again once PostgreSQL is back, without a restart', async (t) => {
    await postgres.start();
    const back = await waitUntil(
      'both nodes issue tokens again',
      async () => {
        for (const node of nodes) await clientCredentialsToken(node.url, seed.backend);
        return true;
      },
      { timeoutMs: 10_000, intervalMs: 200 },
    );
    t.diagnostic(`both nodes issued tokens ${back.elapsedMs} ms after PostgreSQL was started again`);
    const [nodeA, nodeB] = nodes as [TollgateProcess, TollgateProcess];
    for (const node of nodes) assert.equal((await request(`${node.url}/readyz`)).status, 200, 'ready again');
    await assertActive(nodeB.url, seed.backend, issuedBefore.access_token, 'a token issued before the outage');
    // The revocation feed polls the database: it must have recovered too.
    const { access_token: token } = await clientCredentialsToken(nodeA.url, seed.backend);
    await assertAccepted(`${gateway.url}/data`, token, 'the gateway, a token issued after the outage');
    await revoke(nodeA.url, seed.backend, token, 'access_token');
    const refusal = await firstRefusal(`${gateway.url}/data`, token, performance.now());
    t.diagnostic(`the gateway refused a token revoked after the outage within ${Math.round(refusal.elapsedMs)} ms`);
    assert.equal(refusal.result.status, 401, refusal.result.text);
    assert.ok(refusal.elapsedMs < BUDGET_MS, `refused only after ${Math.round(refusal.elapsedMs)} ms`);
    // A stream ended by the outage would have left the gateway in its reconnect backoff, seconds past the
    // outage's end: the revocation above would have waited for it (or, by luck, not).
    assert.equal(streamsOpened(nodeB), streamsOpenedBefore, 'the revocation stream stayed open through the outage');
  });
});
