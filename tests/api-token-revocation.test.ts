/**
 * Revoking or regenerating an API token reaches every verifier within a second, although verifiers cache an
 * introspection answer for 30 s: the server puts the old secret's `jti` on the revocation stream, and the SDK and the
 * gateway consult their deny list on every request, cache hit or not. Both are done with the real CLI, another
 * process writing to the server's database; the clock starts when that command has finished.
 */
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it, type TestContext } from 'node:test';
import { type GatewayUnderTest, startGatewayFor } from './support/gateway.js';
import { type HttpResult, request } from './support/http.js';
import { type ProtectedApi, startProtectedApi } from './support/protected.js';
import { addClient, cliJson, seedStandard, USER_API } from './support/seed.js';
import { startTollgate, type TollgateProcess } from './support/tollgate.js';
import { type RecordingUpstream, startRecordingUpstream } from './support/upstream.js';

/** The product's promise. */
const BUDGET_MS = 1_000;
const POLL_INTERVAL_MS = 25;
/** A miss fails with a measurement instead of hanging. */
const GIVE_UP_MS = 5_000;

interface CreatedToken {
  token: { id: string };
  secret: string;
}

describe('API token revocation and regeneration', () => {
  let server: TollgateProcess;
  let upstream: RecordingUpstream;
  let gateway: GatewayUnderTest;
  let sdkApi: ProtectedApi;

  before(async () => {
    server = await startTollgate();
    await seedStandard(server);
    const client = await addClient(server, 'verifiers', { scopes: ['read:data'] });
    upstream = await startRecordingUpstream();
    gateway = await startGatewayFor({
      issuer: server.url,
      audience: USER_API,
      client,
      routes: [{ path: '/data', upstream: upstream.url, scopes: ['read:data'] }],
    });
    sdkApi = await startProtectedApi({ issuer: server.url, audience: USER_API, client }, { scopes: 'read:data' });
  });
  after(async () => {
    await Promise.all([gateway?.close(), sdkApi?.close(), upstream?.close()]);
    await server?.stop();
  });

  const endpoints = () => [
    { name: 'the gateway', url: `${gateway.url}/data` },
    { name: 'the SDK-protected API', url: `${sdkApi.url}/data` },
  ];

  function call(url: string, token: string): Promise<HttpResult> {
    return request(url, { headers: { authorization: `Bearer ${token}` } });
  }

  async function createToken(name: string): Promise<CreatedToken> {
    const args = ['tokens', 'create', '--name', name, '--user', 'alice', '--api', USER_API, '--scope', 'read:data'];
    return (await cliJson(server, args)) as CreatedToken;
  }

  /** Accepted everywhere, twice, so the second answer comes from each verifier's cache. */
  async function assertAcceptedAndCached(token: string): Promise<void> {
    for (let round = 0; round < 2; round++) {
      for (const { name, url } of endpoints()) {
        const result = await call(url, token);
        assert.equal(result.status, 200, `${name} accepts the token: ${result.text}`);
      }
    }
  }

  async function firstRefusal(url: string, token: string, since: number): Promise<{ result: HttpResult; ms: number }> {
    for (;;) {
      const result = await call(url, token);
      const ms = performance.now() - since;
      if (result.status !== 200) return { result, ms };
      if (ms > GIVE_UP_MS) assert.fail(`${url} still accepts the token ${Math.round(ms)} ms after the command`);
      await sleep(POLL_INTERVAL_MS);
    }
  }

  async function assertRefusedEverywhereWithinBudget(t: TestContext, token: string, since: number): Promise<void> {
    const polls = endpoints().map(async ({ name, url }) => ({ name, ...(await firstRefusal(url, token, since)) }));
    for (const { name, result, ms } of await Promise.all(polls)) {
      t.diagnostic(`${name}: refused ${Math.round(ms)} ms after the command finished`);
      assert.equal(result.status, 401, `${name}: ${result.text}`);
      // From the deny list (the stream), not from a new introspection: the verifiers' caches still held the token.
      assert.deepEqual(
        result.json,
        { error: 'invalid_token', error_description: 'The access token was revoked' },
        `${name}: ${result.text}`,
      );
      assert.ok(ms < BUDGET_MS, `${name} refused the token only after ${Math.round(ms)} ms`);
    }
  }

  it('refuses a revoked API token within 1 s at the gateway and in the SDK, despite their caches', async (t) => {
    const created = await createToken('to-revoke');
    await assertAcceptedAndCached(created.secret);
    await cliJson(server, ['tokens', 'revoke', created.token.id]);
    await assertRefusedEverywhereWithinBudget(t, created.secret, performance.now());
  });

  it('refuses the old secret within 1 s of a regeneration, and accepts the new one', async (t) => {
    const created = await createToken('to-regenerate');
    await assertAcceptedAndCached(created.secret);
    const regenerated = (await cliJson(server, ['tokens', 'regenerate', created.token.id])) as CreatedToken;
    const since = performance.now();
    assert.equal(regenerated.token.id, created.token.id, 'the token keeps its id');
    assert.notEqual(regenerated.secret, created.secret);
    await assertRefusedEverywhereWithinBudget(t, created.secret, since);
    await assertAcceptedAndCached(regenerated.secret);
  });
});
