/**
 * Two Tollgate nodes over one SQLite database, each with its own Redis revocation signal and a poll interval of an
 * hour: a revocation written on one node can only reach the other's revocation stream in time through the signal.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  type Actor,
  DEFAULT_BRUTE_FORCE_LIMITS,
  OPERATOR,
  type RevocationEvent,
  Tollgate,
  generateEncryptionSecret,
  parseEncryptionKey,
} from '@tollgate/core';
import { type SqliteStore, openSqliteStore } from '@tollgate/store-sql';
import { createRedisRevocationSignal } from '../src/index.js';
import { REDIS_URL, captureLog, eventually, sharedRedisSkipReason, uniquePrefix } from './support/redis.js';

const skip = await sharedRedisSkipReason();
const ORDERS_API = 'https://orders.example.test';
const HOUR_MS = 3_600_000;

interface Node {
  tollgate: Tollgate;
  store: SqliteStore;
  signal: ReturnType<typeof createRedisRevocationSignal>;
  events: RevocationEvent[];
  stopListening: () => void;
}

describe('Tollgate with a Redis revocation signal', { skip }, () => {
  const secret = generateEncryptionSecret();
  const keyPrefix = uniquePrefix();
  let directory: string;
  let nodeA: Node;
  let nodeB: Node;
  let alice: Actor;

  async function openNode(file: string): Promise<Node> {
    const store = await openSqliteStore({ file });
    const signal = createRedisRevocationSignal({ url: REDIS_URL, logger: captureLog().logger, keyPrefix });
    const tollgate = await Tollgate.open(
      {
        issuer: 'https://auth.example.test',
        signingAlgorithm: 'EdDSA',
        refreshTokenTtlSeconds: 86_400,
        defaultAccessTokenTtlSeconds: 900,
        clockToleranceSeconds: 5,
        passwordLogin: true,
        bruteForce: DEFAULT_BRUTE_FORCE_LIMITS,
      },
      {
        store,
        encryptionKey: parseEncryptionKey(secret),
        revocationSignal: signal,
        revocationFeed: { pollIntervalMs: HOUR_MS },
      },
    );
    const events: RevocationEvent[] = [];
    let ready = false;
    const stopListening = tollgate.revocationFeed.subscribe(
      await tollgate.revocationFeed.resumePlan({ kind: 'start' }),
      (event) => events.push(event),
      () => {
        ready = true;
      },
    );
    await eventually(() => ready, 5_000, 'the feed never became ready');
    return { tollgate, store, signal, events, stopListening };
  }

  before(async () => {
    directory = await mkdtemp(join(tmpdir(), 'tollgate-redis-'));
    const file = join(directory, 'tollgate.db');
    nodeA = await openNode(file);
    nodeB = await openNode(file);
    const operator = nodeA.tollgate.as(OPERATOR);
    await operator.apis.create({ identifier: ORDERS_API, scopes: ['orders:read'], isDefault: true });
    const user = await operator.users.create({
      username: 'alice',
      password: 'correct horse battery',
      scopes: ['orders:read'],
    });
    alice = { userId: user.id, name: user.username, isAdmin: false, address: '192.0.2.10' };
    // Both subscriptions live before the tests write: pub/sub drops messages nobody listens to yet.
    await signalsLive([nodeA, nodeB]);
  });

  after(async () => {
    for (const node of [nodeA, nodeB]) {
      node.stopListening();
      node.tollgate.close();
      await node.signal.close();
      await node.store.close();
    }
    await rm(directory, { recursive: true, force: true });
  });

  it("streams a revocation written on one node to the other node's subscribers within seconds", async () => {
    const tokens = nodeA.tollgate.as(alice).tokens;
    const created = await tokens.create({ name: 'deploy', apis: [ORDERS_API], scopes: ['orders:read'] });
    const revokedJti = await jtiOf(nodeA.tollgate, created.secret);
    await tokens.revoke(created.token.id);
    await eventually(
      () => nodeB.events.some((event) => event.jti === revokedJti),
      5_000,
      'node B never heard of the revocation written on node A',
    );
  });

  it('streams the old secret of a token regenerated on the other node', async () => {
    const tokens = nodeB.tollgate.as(alice).tokens;
    const created = await tokens.create({ name: 'rotate', apis: [ORDERS_API], scopes: ['orders:read'] });
    const oldJti = await jtiOf(nodeB.tollgate, created.secret);
    await tokens.regenerate(created.token.id);
    await eventually(
      () => nodeA.events.some((event) => event.jti === oldJti),
      5_000,
      'node A never heard of the regeneration on node B',
    );
  });
});

async function signalsLive(nodes: readonly Node[]): Promise<void> {
  const heard = nodes.map(() => false);
  const stops = nodes.map((node, index) =>
    node.signal.subscribe(() => {
      heard[index] = true;
    }),
  );
  await eventually(
    () => {
      nodes[0]?.signal.publish();
      return heard.every(Boolean);
    },
    10_000,
    'the signals never went live',
  );
  for (const stop of stops) stop();
}

async function jtiOf(tollgate: Tollgate, secret: string): Promise<string> {
  const client = await tollgate.as(OPERATOR).clients.create({ name: `verifier-${Date.now()}`, scopes: [] });
  const answer = await tollgate.introspect({
    token: secret,
    tokenTypeHint: undefined,
    client: { method: 'client_secret_basic', clientId: client.client.id, clientSecret: client.clientSecret },
    remoteAddress: '192.0.2.10',
  });
  assert.ok(answer.active);
  assert.ok(answer.jti);
  return answer.jti;
}
