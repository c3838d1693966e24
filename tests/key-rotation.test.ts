/**
 * Signing keys against a running server. Publish first, sign later: `tollgate keys rotate` puts the new key in the
 * JWKS at once and signs with it only after `keyPropagationDelay`, so a verifier that has just spent its rate-limited
 * refetch on some unknown kid still knows the new key before its first token; two rotations five seconds apart
 * refuse no valid token. `--now` signs at once (emergencies). `tollgate keys retire` withdraws a compromised key:
 * out of the JWKS, its tokens refused by the SDK and the gateway within a second (the revocation stream carries it),
 * and a new key signs at once. An unknown kid is reported as such, not as a bad signature.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { BearerError, createVerifier, type Verifier } from '@tollgate/verify';
import { assertBearerRefusal } from './support/challenge.js';
import { type GatewayUnderTest, startGatewayFor } from './support/gateway.js';
import type { ClientCredentials } from './support/http.js';
import { fetchJwks, kidOf, verifyAccessToken } from './support/jwt.js';
import { callWith } from './support/refusal.js';
import { addClient, cliJson, type StandardSeed, seedStandard, USER_API } from './support/seed.js';
import { assertActive, assertInactive, clientCredentialsToken } from './support/tokens.js';
import { startTollgate, type TollgateProcess } from './support/tollgate.js';
import { type RecordingUpstream, startRecordingUpstream } from './support/upstream.js';
import { waitUntil } from './support/wait.js';

/** Small for the test; what matters is that it exceeds the verifier's refetch interval, as the default does. */
const PROPAGATION_DELAY_SECONDS = 6;
const REFETCH_INTERVAL_MS = 3_000;
const PICKUP_BOUND_MS = 3_000;
const RETIRE_BUDGET_MS = 1_000;
const UNKNOWN_KEY = 'The access token is signed with an unknown signing key';

interface KeyJson {
  kid: string;
  alg: string;
  signing: boolean;
  created_at: number;
  activates_at: number;
}

/** A token whose header names a key nobody has; signed with nothing in particular. */
function tokenOfUnknownKey(real: string): string {
  const [header, payload, signature] = real.split('.') as [string, string, string];
  const decoded = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as Record<string, unknown>;
  return `${Buffer.from(JSON.stringify({ ...decoded, kid: randomUUID() })).toString('base64url')}.${payload}.${signature}`;
}

async function refusalOf(verifier: Verifier, token: string): Promise<BearerError> {
  const outcome = await verifier.verify(token).then(
    () => undefined,
    (error: unknown) => error,
  );
  assert.ok(outcome instanceof BearerError, `the verifier accepted the token or failed otherwise: ${String(outcome)}`);
  return outcome;
}

describe('signing key rotation and retirement', () => {
  let server: TollgateProcess;
  let seed: StandardSeed;
  let streamClient: ClientCredentials;
  let verifier: Verifier;
  let upstream: RecordingUpstream;
  let gateway: GatewayUnderTest;

  before(async () => {
    server = await startTollgate({ config: { keyPropagationDelay: `${PROPAGATION_DELAY_SECONDS}s` } });
    seed = await seedStandard(server);
    streamClient = await addClient(server, 'verifiers', { scopes: ['read:data'] });
    verifier = createVerifier({
      issuer: server.url,
      audience: USER_API,
      client: streamClient,
      jwksRefetchIntervalMs: REFETCH_INTERVAL_MS,
    });
    await verifier.ready();
    upstream = await startRecordingUpstream();
    gateway = await startGatewayFor({
      issuer: server.url,
      audience: USER_API,
      client: streamClient,
      routes: [{ path: '/data', upstream: upstream.url, scopes: ['read:data'] }],
    });
  });
  after(async () => {
    await Promise.all([verifier?.close(), gateway?.close(), upstream?.close()]);
    await server?.stop();
  });

  /**
   * Issues tokens and has the SDK verify each, every 100 ms, until `done` holds for the token's kid. Every token must
   * be accepted: one refusal of a valid token is the failure these tests are about, so nothing is retried.
   */
  async function acceptEveryTokenUntil(done: (kid: string | undefined) => boolean, timeoutMs: number): Promise<string> {
    const started = Date.now();
    for (let issued = 1; ; issued++) {
      const { access_token: token } = await clientCredentialsToken(server.url, seed.backend);
      const verified = await verifier.verify(token).catch((error: unknown) => {
        assert.fail(`the SDK refused valid token #${issued} (kid ${kidOf(token)}): ${String(error)}`);
      });
      assert.equal(verified.clientId, seed.backend.clientId);
      if (done(kidOf(token))) return token;
      assert.ok(Date.now() - started <= timeoutMs, `no token met the condition within ${timeoutMs} ms`);
      await sleep(100);
    }
  }

  it('reports a token of an unknown key as "unknown signing key", not as a bad signature', async () => {
    const { access_token: real } = await clientCredentialsToken(server.url, seed.backend);
    const refusal = await refusalOf(verifier, tokenOfUnknownKey(real));
    assert.equal(refusal.code, 'ERR_TOKEN_UNKNOWN_KEY');
    assert.equal(refusal.description, UNKNOWN_KEY);
    const result = await callWith(`${gateway.url}/data`, tokenOfUnknownKey(real));
    assertBearerRefusal(result, { status: 401, realm: USER_API, error: 'invalid_token', description: UNKNOWN_KEY });
  });

  it('publishes a rotated key at once and signs with it only after the delay, refusing no valid token', async () => {
    const before = await clientCredentialsToken(server.url, seed.backend);
    const rotated = (await cliJson(server, ['keys', 'rotate'])) as KeyJson;
    assert.equal(rotated.activates_at, rotated.created_at + PROPAGATION_DELAY_SECONDS);
    assert.equal(rotated.signing, false, 'the new key does not sign yet');
    // Anyone may send a token with a made-up kid: the verifier spends its refetch on it right after the rotation.
    assert.equal((await refusalOf(verifier, tokenOfUnknownKey(before.access_token))).code, 'ERR_TOKEN_UNKNOWN_KEY');
    await waitUntil(
      'the JWKS publishes the new key',
      async () => ((await fetchJwks(server.url)).keys.some((key) => key.kid === rotated.kid) ? true : undefined),
      { timeoutMs: 3_000, intervalMs: 50 },
    );
    const next = await clientCredentialsToken(server.url, seed.backend);
    assert.equal(kidOf(next.access_token), kidOf(before.access_token), 'the old key still signs');
    await acceptEveryTokenUntil((kid) => kid === rotated.kid, (PROPAGATION_DELAY_SECONDS + 6) * 1000);
    await assertActive(server.url, seed.backend, before.access_token, 'a token of the replaced key');
    assert.equal((await verifier.verify(before.access_token)).clientId, seed.backend.clientId);
  });

  it('refuses no valid token across two rotations five seconds apart', async () => {
    const first = (await cliJson(server, ['keys', 'rotate'])) as KeyJson;
    const rotatedAtMs = Date.now();
    await acceptEveryTokenUntil(() => Date.now() - rotatedAtMs >= 5_000, 10_000);
    const second = (await cliJson(server, ['keys', 'rotate'])) as KeyJson;
    assert.ok(second.activates_at > first.activates_at);
    await acceptEveryTokenUntil((kid) => kid === second.kid, (PROPAGATION_DELAY_SECONDS + 6) * 1000);
    const listed = (await cliJson(server, ['keys', 'list'])) as KeyJson[];
    assert.deepEqual(
      listed.filter((key) => key.signing).map((key) => key.kid),
      [second.kid],
    );
  });

  for (const alg of ['ES256', 'RS256']) {
    it(`rotates to ${alg} at once with --now, and earlier tokens still verify`, async () => {
      const before = await clientCredentialsToken(server.url, seed.backend);
      const rotated = (await cliJson(server, ['keys', 'rotate', '--alg', alg, '--now'])) as KeyJson;
      assert.equal(rotated.activates_at, rotated.created_at);
      const { value: token, elapsedMs } = await waitUntil(
        'new tokens carry the new kid',
        async () => {
          const tokens = await clientCredentialsToken(server.url, seed.backend);
          return kidOf(tokens.access_token) === rotated.kid ? tokens.access_token : undefined;
        },
        { timeoutMs: PICKUP_BOUND_MS, intervalMs: 100 },
      );
      assert.ok(elapsedMs <= PICKUP_BOUND_MS);
      const { header } = await verifyAccessToken(server.url, token, USER_API, [alg]);
      assert.equal(header.kid, rotated.kid);
      await assertActive(server.url, seed.backend, before.access_token, 'a token signed before the rotation');
    });
  }

  it('retires a compromised key: out of the JWKS, its tokens refused everywhere, a new key signing', async (t) => {
    const { access_token: token } = await clientCredentialsToken(server.url, seed.backend);
    const kid = kidOf(token) as string;
    // Verified (and cached) before the retirement, as a busy API would have. The key was rotated in with --now just
    // before, so the verifiers may need their refetch interval to learn it: that is what --now costs.
    await waitUntil(
      'the SDK and the gateway accept a token of the key about to be retired',
      async () => {
        assert.equal((await verifier.verify(token)).clientId, seed.backend.clientId);
        return (await callWith(`${gateway.url}/data`, token)).status === 200 ? true : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 250 },
    );

    const retired = (await cliJson(server, ['keys', 'retire', '--', kid])) as KeyJson;
    assert.equal(retired.kid, kid);
    const sdk = await waitUntil(
      'the SDK refuses the retired key',
      async () =>
        (await refusalOf(verifier, token).catch(() => undefined))?.code === 'ERR_TOKEN_UNKNOWN_KEY' ? true : undefined,
      { timeoutMs: RETIRE_BUDGET_MS, intervalMs: 25 },
    );
    t.diagnostic(`the SDK refused the retired key ${sdk.elapsedMs} ms after \`keys retire\` returned`);
    await waitUntil(
      'the gateway refuses the retired key',
      async () => ((await callWith(`${gateway.url}/data`, token)).status === 401 ? true : undefined),
      { timeoutMs: RETIRE_BUDGET_MS, intervalMs: 25 },
    );
    assertBearerRefusal(await callWith(`${gateway.url}/data`, token), {
      status: 401,
      realm: USER_API,
      error: 'invalid_token',
      description: UNKNOWN_KEY,
    });
    await waitUntil(
      'the server forgets the retired key',
      async () => ((await fetchJwks(server.url)).keys.some((key) => key.kid === kid) ? undefined : true),
      { timeoutMs: 3_000, intervalMs: 50 },
    );
    await assertInactive(server.url, seed.backend, token, 'a token of the retired key');

    const { access_token: fresh } = await clientCredentialsToken(server.url, seed.backend);
    assert.notEqual(kidOf(fresh), kid, 'the retired key signs no more');
    await waitUntil(
      'the SDK and the gateway accept a token of the key that replaced it',
      async () => {
        await verifier.verify(fresh);
        return (await callWith(`${gateway.url}/data`, fresh)).status === 200 ? true : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 250 },
    );
  });

  it('refuses to retire a key that does not exist', async () => {
    const result = await server.cli(['keys', 'retire', 'no-such-kid']);
    assert.equal(result.status, 1, result.stderr);
    assert.match(result.stderr, /No signing key has this kid/);
  });

  it("takes a kid that starts with '-' after --, and says so when it is given without", async () => {
    const afterDashes = await server.cli(['keys', 'retire', '--', '-no-such-kid']);
    assert.equal(afterDashes.status, 1, afterDashes.stderr);
    assert.match(afterDashes.stderr, /No signing key has this kid/);
    const bare = await server.cli(['keys', 'retire', '-no-such-kid']);
    assert.equal(bare.status, 2, bare.stderr);
    assert.match(bare.stderr, /unknown option '-no-such-kid'; a value that starts with '-' .* goes after `--`/);
  });

  it('refuses an unknown algorithm with exit status 2', async () => {
    const result = await server.cli(['keys', 'rotate', '--alg', 'HS256']);
    assert.equal(result.status, 2, result.stderr);
    assert.equal(result.stderr.trim().split('\n').length, 1, `one line on stderr: ${result.stderr}`);
  });
});

describe('start with a signingAlgorithm other than the signing key', () => {
  let server: TollgateProcess;
  before(async () => {
    server = await startTollgate({ config: { signingAlgorithm: 'ES256' } });
  });
  after(() => server?.stop());

  it('warns at start and names the command that switches', async () => {
    await cliJson(server, ['keys', 'rotate', '--alg', 'EdDSA', '--now']);
    await server.restart();
    const warning = /signingAlgorithm is ES256 but the key that signs \([\w-]+\) is EdDSA: .*`tollgate keys rotate`/;
    await waitUntil('the restarted server warns', async () => (warning.test(server.output()) ? true : undefined), {
      timeoutMs: 5_000,
      intervalMs: 50,
    });
  });
});
