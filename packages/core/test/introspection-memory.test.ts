/**
 * Introspecting a JWT access token reads nothing from the store once the revocation list is followed in memory
 * (revocations/deny-list.ts), whatever the answer: live, revoked, expired, forged, or another client's. A revocation
 * made here is answered from the store until memory has caught up with it, so it counts the moment it is acknowledged;
 * one made at another node counts once the nudge or the feed's poll brings it.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import {
  ACCESS_TOKEN_TTL_SECONDS,
  CLOCK_TOLERANCE_SECONDS,
  type InMemoryTollgate,
  memorySignal,
  openInMemoryTollgate,
  signIn,
} from './support/tollgate-in-memory.js';

const INACTIVE = { active: false };
const WAIT_MS = 10_000;

type Answer = Awaited<ReturnType<InMemoryTollgate['introspect']>>;

/**
 * Introspects `token` until an answer needs no store read (the deny list has caught up) and, when given, `wanted`
 * holds for it; returns that answer.
 */
async function introspectFromMemory(
  harness: InMemoryTollgate,
  token: string,
  wanted: (answer: Answer) => boolean = () => true,
): Promise<Answer> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    harness.storeCalls.length = 0;
    const answer = await harness.introspect(token, harness.backend);
    if (harness.storeCalls.length === 0 && wanted(answer)) return answer;
    assert.ok(Date.now() < deadline, `no such answer from memory: ${JSON.stringify(answer)}, ${harness.storeCalls}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Catalog entries that never age, so only the deny list decides whether the store is read. */
const CATALOG_KEPT = { catalogCache: { now: () => 0 } };

/** The same introspection, insisting it reads nothing from the store. */
async function introspectWithoutStore(harness: InMemoryTollgate, token: string, client = harness.backend) {
  harness.storeCalls.length = 0;
  const answer = await harness.introspect(token, client);
  assert.deepEqual(harness.storeCalls, [], 'introspection read the store');
  return answer;
}

describe('introspection from memory', () => {
  const opened: InMemoryTollgate[] = [];
  afterEach(() => {
    for (const harness of opened.splice(0)) harness.close();
  });
  const open = async (...args: Parameters<typeof openInMemoryTollgate>) => {
    const harness = await openInMemoryTollgate(...args);
    opened.push(harness);
    return harness;
  };

  it('answers for live, revoked, expired, forged and foreign JWTs without reading the store', async () => {
    const harness = await open({}, CATALOG_KEPT);
    const live = await harness.token({ grant_type: 'client_credentials' }, harness.backend);
    const revoked = await harness.token({ grant_type: 'client_credentials' }, harness.backend);
    await harness.revoke(revoked.access_token, harness.backend);
    await harness.introspect(live.access_token, harness.adminService);
    assert.equal((await introspectFromMemory(harness, live.access_token)).active, true);

    assert.equal((await introspectWithoutStore(harness, live.access_token)).active, true);
    assert.deepEqual(await introspectWithoutStore(harness, revoked.access_token), INACTIVE);
    const [header, payload] = live.access_token.split('.');
    assert.deepEqual(await introspectWithoutStore(harness, `${header}.${payload}.${'A'.repeat(86)}`), INACTIVE);
    // adminService reaches only the admin API: a token for the user API is none of its business.
    assert.deepEqual(await introspectWithoutStore(harness, live.access_token, harness.adminService), INACTIVE);
    harness.advance(ACCESS_TOKEN_TTL_SECONDS + CLOCK_TOLERANCE_SECONDS);
    assert.deepEqual(await introspectWithoutStore(harness, live.access_token), INACTIVE);
  });

  it('answers inactive for a token revoked here the moment its revocation returned', async () => {
    const harness = await open({}, CATALOG_KEPT);
    const { accessToken } = await signIn(harness);
    assert.equal((await introspectFromMemory(harness, accessToken)).active, true);
    const family = await signIn(harness);
    await harness.revoke(accessToken, harness.backend);
    assert.deepEqual(await harness.introspect(accessToken, harness.backend), INACTIVE);
    // Revoking a refresh token revokes the access tokens of its family, whose jtis the caller never named.
    await harness.revoke(family.refreshToken, harness.backend);
    assert.deepEqual(await harness.introspect(family.accessToken, harness.backend), INACTIVE);
    assert.deepEqual(await introspectFromMemory(harness, family.accessToken), INACTIVE);
  });

  it('answers inactive for a token revoked at another node as soon as the nudge arrives', async () => {
    const signal = memorySignal();
    const nodeA = await open({}, { revocationSignal: signal, ...CATALOG_KEPT });
    const nodeB = await nodeA.openNode({ revocationSignal: signal, ...CATALOG_KEPT });
    opened.push(nodeB);
    const { access_token: token } = await nodeA.token({ grant_type: 'client_credentials' }, nodeA.backend);
    assert.equal((await introspectFromMemory(nodeB, token)).active, true);
    await nodeA.revoke(token, nodeA.backend);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(await nodeB.introspect(token, nodeB.backend), INACTIVE);
  });

  it('answers inactive for a token revoked at another node, unannounced, once the feed has polled', async () => {
    const nodeA = await open({}, CATALOG_KEPT);
    const nodeB = await nodeA.openNode(CATALOG_KEPT);
    opened.push(nodeB);
    const { access_token: token } = await nodeA.token({ grant_type: 'client_credentials' }, nodeA.backend);
    assert.equal((await introspectFromMemory(nodeB, token)).active, true);
    await nodeA.revoke(token, nodeA.backend);
    // Within the feed's poll interval (250 ms), as every verifier following the revocation stream.
    assert.deepEqual(await introspectFromMemory(nodeB, token, (answer) => !answer.active), INACTIVE);
  });

  it('asks the store about a token past its exp but inside the clock tolerance', async () => {
    const harness = await open({}, CATALOG_KEPT);
    const { access_token: token } = await harness.token({ grant_type: 'client_credentials' }, harness.backend);
    assert.equal((await introspectFromMemory(harness, token)).active, true);
    harness.advance(ACCESS_TOKEN_TTL_SECONDS);
    harness.storeCalls.length = 0;
    assert.equal((await harness.introspect(token, harness.backend)).active, true);
    assert.deepEqual(harness.storeCalls, ['revocations.isRevoked']);
  });
});
