/**
 * Rolling an API token with a grace period: `tokens regenerate --grace 1h` gives a new secret that works at once
 * while the old one keeps working, at the server's introspection, in the SDK and at the gateway, until the grace
 * ends; then the old secret is refused everywhere within a second, although verifiers cached it. The server runs on
 * a test clock (TOLLGATE_TEST_CLOCK_FILE) that the test moves past the grace end instead of waiting an hour; the SDK
 * and the gateway keep real time, so what reaches them is the revocation the server writes when the grace ends.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { type AdminClient, addDashboardUser, assertAdminError, signIn } from './support/admin-api.js';
import { type GatewayUnderTest, startGatewayFor } from './support/gateway.js';
import { type ClientCredentials, type HttpResult, request } from './support/http.js';
import { type ProtectedApi, startProtectedApi } from './support/protected.js';
import { addClient, cliJson, seedStandard, USER_API } from './support/seed.js';
import { assertActive, assertInactive, revoke } from './support/tokens.js';
import { startTollgate, type TollgateProcess } from './support/tollgate.js';
import { type RecordingUpstream, startRecordingUpstream } from './support/upstream.js';

const BUDGET_MS = 1_000;
const POLL_INTERVAL_MS = 25;
const GIVE_UP_MS = 5_000;
const HOUR_SECONDS = 3_600;

interface CreatedToken {
  token: { id: string; regeneratedAt: number | null; previousSecretExpiresAt: number | null };
  secret: string;
}

describe('API token regeneration with a grace period', () => {
  let clockDir: string;
  let clockFile: string;
  let server: TollgateProcess;
  let verifierClient: ClientCredentials;
  let upstream: RecordingUpstream;
  let gateway: GatewayUnderTest;
  let sdkApi: ProtectedApi;
  let root: AdminClient;
  /** The server's clock offset so far; only ever moved forward. */
  let offsetMs = 0;

  before(async () => {
    clockDir = await mkdtemp(join(tmpdir(), 'tollgate-grace-clock-'));
    clockFile = join(clockDir, 'offset-ms');
    server = await startTollgate({ env: { TOLLGATE_TEST_CLOCK_FILE: clockFile } });
    await seedStandard(server);
    verifierClient = await addClient(server, 'verifiers', { scopes: ['read:data'] });
    await addDashboardUser(server, 'root', 'root has a long password', { admin: true });
    root = await signIn(server.url, 'root', 'root has a long password');
    upstream = await startRecordingUpstream();
    gateway = await startGatewayFor({
      issuer: server.url,
      audience: USER_API,
      client: verifierClient,
      routes: [{ path: '/data', upstream: upstream.url, scopes: ['read:data'] }],
    });
    sdkApi = await startProtectedApi(
      { issuer: server.url, audience: USER_API, client: verifierClient },
      { scopes: 'read:data' },
    );
  });
  after(async () => {
    await Promise.all([gateway?.close(), sdkApi?.close(), upstream?.close()]);
    await server?.stop();
    await rm(clockDir, { recursive: true, force: true });
  });

  const endpoints = () => [
    { name: 'the gateway', url: `${gateway.url}/data` },
    { name: 'the SDK-protected API', url: `${sdkApi.url}/data` },
  ];

  const call = (url: string, token: string): Promise<HttpResult> =>
    request(url, { headers: { authorization: `Bearer ${token}` } });

  async function createToken(name: string): Promise<CreatedToken> {
    const args = ['tokens', 'create', '--name', name, '--user', 'alice', '--api', USER_API, '--scope', 'read:data'];
    return (await cliJson(server, args)) as CreatedToken;
  }

  /** Accepted by the server's introspection, and twice by each verifier, the second time from its cache. */
  async function assertAcceptedEverywhere(token: string, what: string): Promise<void> {
    await assertActive(server.url, verifierClient, token, what);
    for (let round = 0; round < 2; round++) {
      for (const { name, url } of endpoints()) {
        const result = await call(url, token);
        assert.equal(result.status, 200, `${name} accepts ${what}: ${result.text}`);
      }
    }
  }

  async function moveServerClock(byMs: number): Promise<number> {
    offsetMs += byMs;
    await writeFile(clockFile, String(offsetMs));
    return performance.now();
  }

  async function firstRefusal(url: string, token: string, since: number): Promise<{ result: HttpResult; ms: number }> {
    for (;;) {
      const result = await call(url, token);
      const ms = performance.now() - since;
      if (result.status !== 200) return { result, ms };
      if (ms > GIVE_UP_MS) assert.fail(`${url} still accepts the old secret ${Math.round(ms)} ms after the grace`);
      await sleep(POLL_INTERVAL_MS);
    }
  }

  it('refuses a grace period longer than 7 days with 400, changing nothing', async () => {
    const created = await createToken('too-long');
    const refused = await root.post(`/tokens/${created.token.id}/regenerate`, { graceSeconds: 7 * 86_400 + 1 });
    assert.equal(
      assertAdminError(refused, 400, 'invalid_request'),
      'graceSeconds must be a whole number from 1 to 604800 (7 days)',
    );
    await assertActive(server.url, verifierClient, created.secret, 'the untouched secret');
    const cli = await server.cli(['tokens', 'regenerate', created.token.id, '--grace', '8d']);
    assert.notEqual(cli.status, 0);
    assert.match(cli.stderr, /graceSeconds must be a whole number from 1 to 604800 \(7 days\)/);
    const longest = await root.post(`/tokens/${created.token.id}/regenerate`, { graceSeconds: 7 * 86_400 });
    assert.equal(longest.status, 200, longest.text);
    await assertActive(server.url, verifierClient, created.secret, 'the old secret with the longest grace');
  });

  it('ends only the old secret when it is revoked during the grace, keeping the new one', async () => {
    const created = await createToken('revoked-old');
    const rolled = await root.post(`/tokens/${created.token.id}/regenerate`, { graceSeconds: HOUR_SECONDS });
    assert.equal(rolled.status, 200, rolled.text);
    const { secret } = rolled.json as CreatedToken;
    await revoke(server.url, verifierClient, created.secret);
    await assertInactive(server.url, verifierClient, created.secret, 'the revoked old secret');
    await assertAcceptedEverywhere(secret, 'the new secret');
  });

  it('behaves as before without a grace period: the old secret stops at once', async () => {
    const created = await createToken('no-grace');
    const rolled = await root.post(`/tokens/${created.token.id}/regenerate`);
    assert.equal(rolled.status, 200, rolled.text);
    assert.equal((rolled.json as CreatedToken).token.previousSecretExpiresAt, null);
    await assertInactive(server.url, verifierClient, created.secret, 'the replaced secret');
  });
  // Last: it moves the server's clock an hour on.
  it('keeps both secrets working until the grace ends, then refuses the old one everywhere within 1 s', async (t) => {
    const created = await createToken('rolled');
    await assertAcceptedEverywhere(created.secret, 'the first secret');
    const args = ['tokens', 'regenerate', created.token.id, '--grace', '1h'];
    const rolled = (await cliJson(server, args)) as CreatedToken;
    assert.equal(rolled.token.id, created.token.id);
    const regeneratedAt = rolled.token.regeneratedAt ?? 0;
    assert.equal(rolled.token.previousSecretExpiresAt, regeneratedAt + HOUR_SECONDS, 'the page shows the grace end');

    await assertAcceptedEverywhere(rolled.secret, 'the new secret');
    await assertAcceptedEverywhere(created.secret, 'the old secret during the grace');
    const old = await assertActive(server.url, verifierClient, created.secret, 'the old secret');
    assert.equal(old.exp, regeneratedAt + HOUR_SECONDS, 'no verifier may cache the old secret past the grace');

    const since = await moveServerClock((HOUR_SECONDS + 1) * 1000);
    const polls = endpoints().map(async ({ name, url }) => ({
      name,
      ...(await firstRefusal(url, created.secret, since)),
    }));
    for (const { name, result, ms } of await Promise.all(polls)) {
      t.diagnostic(`${name}: old secret refused ${Math.round(ms)} ms after the grace ended`);
      // From the deny list: the verifiers' caches (on real time) still held the old secret as valid.
      assert.equal(result.status, 401, `${name}: ${result.text}`);
      assert.deepEqual(result.json, { error: 'invalid_token', error_description: 'The access token was revoked' });
      assert.ok(ms < BUDGET_MS, `${name} refused the old secret only after ${Math.round(ms)} ms`);
    }
    await assertInactive(server.url, verifierClient, created.secret, 'the old secret after the grace');
    await assertAcceptedEverywhere(rolled.secret, 'the new secret after the grace');
    // An hour on, the session has idled out: sign in again.
    root = await signIn(server.url, 'root', 'root has a long password');
    const page = await root.get(`/tokens/${created.token.id}`);
    assert.equal((page.json as CreatedToken['token']).previousSecretExpiresAt, null, 'the page no longer shows it');
  });
});
