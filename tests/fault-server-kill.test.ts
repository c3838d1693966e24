/**
 * kill -9 of one of two servers in the middle of a load of token requests, refresh rotations and revocations:
 * clients that lose their node retry at the other one and succeed, and every answer a node gave with 200 is
 * in the shared PostgreSQL database: each revocation holds at the survivor, each rotation's new refresh token
 * is the one live token of its family (its predecessor consumed), no issued token is lost.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { type Cluster, startCluster } from './support/cluster.js';
import { FailoverClient } from './support/failover.js';
import { assertOAuthError, assertTokenResponse } from './support/http.js';
import { seedStandard, type StandardSeed } from './support/seed.js';
import {
  createThrowawayDatabase,
  sharedPostgresSkipReason,
  type ThrowawayDatabase,
} from './support/postgres-database.js';
import { type Family, type LoadRecord, runTokenLoad } from './support/token-load.js';
import { assertActive, assertInactive, refreshRequest } from './support/tokens.js';
import type { TollgateProcess } from './support/tollgate.js';

const WORKERS = 6;
const KILL_AFTER_MS = 1_500;
const LOAD_MS = 4_000;

const skip = await sharedPostgresSkipReason();

/** Checks in small batches: thousands of introspections at once would only measure the survivor's queue. */
async function inBatches<T>(items: readonly T[], check: (item: T) => Promise<void>): Promise<void> {
  for (let start = 0; start < items.length; start += 16) await Promise.all(items.slice(start, start + 16).map(check));
}

describe('kill -9 of one server under load', { skip }, () => {
  let database: ThrowawayDatabase;
  let cluster: Cluster;
  let nodeA: TollgateProcess;
  let nodeB: TollgateProcess;
  let seed: StandardSeed;
  let client: FailoverClient;
  let record: LoadRecord;

  before(async () => {
    database = await createThrowawayDatabase();
    cluster = await startCluster({ databaseUrl: database.url() });
    [nodeA, nodeB] = cluster.nodes as [TollgateProcess, TollgateProcess];
    seed = await seedStandard(nodeA);
    client = new FailoverClient([() => nodeA.url, () => nodeB.url]);
    const started = Date.now();
    const load = runTokenLoad({
      client,
      credentials: seed.backend,
      user: seed.user,
      nodeCount: 2,
      workers: WORKERS,
      until: () => Date.now() - started > LOAD_MS,
    });
    await sleep(KILL_AFTER_MS);
    await nodeA.kill9();
    record = await load;
  });
  after(async () => {
    await cluster?.stop();
    await database?.drop();
  });

  it('answers every request: clients that lose a node succeed at the other, without a 5xx', (t) => {
    const rotations = record.families.reduce((sum, family) => sum + family.refreshTokens.length - 1, 0);
    t.diagnostic(
      `${record.operations} operations: ${record.families.length} families, ${rotations} rotations, ` +
        `${record.revoked.length} revocations; ${client.stats.failedOver} failed over to B, ` +
        `${record.families.filter((family) => family.lost).length} families lost in flight`,
    );
    assert.equal(nodeA.alive(), false, 'server A was killed');
    assert.equal(client.stats.unanswered, 0, 'every request was answered by some node');
    assert.deepEqual(client.stats.serverErrors, [], 'no 5xx answers');
    assert.deepEqual(record.unexplained, [], 'every answer is what the protocol prescribes');
    assert.ok(client.stats.failedOver > 0, 'some requests met the dead node and were answered by the survivor');
    assert.ok(rotations > 0 && record.revoked.length > 0, 'the load rotated and revoked');
  });

  it('keeps every acknowledged revocation: each revoked token introspects inactive at the survivor', async () => {
    await inBatches(record.revoked, (token) => assertInactive(nodeB.url, seed.backend, token, 'a revoked token'));
    const revokedFamilies = record.families.filter((family) => family.revoked);
    await inBatches(revokedFamilies, async (family) => {
      const last = family.refreshTokens.at(-1) as string;
      assertOAuthError(await refreshRequest(nodeB.url, last, seed.backend), 400, 'invalid_grant');
      await assertInactive(nodeB.url, seed.backend, family.accessTokens.at(-1) as string, 'a revoked family');
    });
  });

  it('keeps every issued token: each one not revoked introspects active at the survivor', async () => {
    await inBatches(record.issued, async (token) => {
      await assertActive(nodeB.url, seed.backend, token, 'a token issued with a 200');
    });
  });

  it('keeps every acknowledged rotation: the newest refresh token is live, its predecessor consumed', async () => {
    const live = record.families.filter((family: Family) => !family.revoked && !family.lost);
    assert.ok(live.length > 0, 'some families were neither revoked nor lost');
    await inBatches(live, async (family) => {
      const newest = family.refreshTokens.at(-1) as string;
      assertTokenResponse(await refreshRequest(nodeB.url, newest, seed.backend));
      const previous = family.refreshTokens.at(-2);
      // RFC 9700 4.14.2: a consumed refresh token is refused (and its replay revokes the family).
      if (previous !== undefined) {
        assertOAuthError(await refreshRequest(nodeB.url, previous, seed.backend), 400, 'invalid_grant');
      }
    });
  });
});
