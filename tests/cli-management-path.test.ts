/**
 * Every change the CLI makes goes through the same management path as the admin API: authorised, audited as `cli`,
 * and publishing the revocations it implies. Removing a user or a client with the CLI (another process writing to the
 * running server's database) must reach a verifier that holds the owner's API token in its cache, through the
 * revocation stream, not after its 30 s cache runs out.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type AdminClient, addDashboardUser, signIn } from './support/admin-api.js';
import type { HttpResult } from './support/http.js';
import type { ProtectedApi } from './support/protected.js';
import { addApi, addClient, cliJson, USER_API } from './support/seed.js';
import type { TollgateProcess } from './support/tollgate.js';
import { assertRevokedWithin, callWithBearer, startRevocationFixture } from './support/revoked.js';

/** Far below the verifiers' 30 s cache: only the revocation stream can make it. */
const REFUSAL_BOUND_MS = 5_000;

interface CreatedToken {
  token: { id: string };
  secret: string;
}

interface AuditEvent {
  action: string;
  actorName: string;
  actorId: string | null;
  address: string | null;
  outcome: string;
  detail: Record<string, unknown> | null;
}

describe('CLI changes take the audited management path', () => {
  let server: TollgateProcess;
  let sdkApi: ProtectedApi;
  let root: AdminClient;
  let close: () => Promise<void>;

  before(async () => {
    ({ server, sdkApi, root, close } = await startRevocationFixture());
  });
  after(() => close?.());

  function call(token: string): Promise<HttpResult> {
    return callWithBearer(`${sdkApi.url}/data`, token);
  }

  async function createToken(owner: string[]): Promise<string> {
    const args = ['tokens', 'create', '--name', 'owned', ...owner, '--api', USER_API, '--scope', 'read:data'];
    const created = (await cliJson(server, args)) as CreatedToken;
    // Twice: the second answer comes from the SDK's cache, which a revocation must get past.
    for (let round = 0; round < 2; round++) assert.equal((await call(created.secret)).status, 200);
    return created.secret;
  }

  function assertRefusedFromTheStream(token: string): Promise<void> {
    return assertRevokedWithin(`${sdkApi.url}/data`, token, 'the removed owner’s API token', REFUSAL_BOUND_MS);
  }

  async function auditOf(target: string): Promise<AuditEvent[]> {
    const result = await root.get(`/audit?target=${encodeURIComponent(target)}`);
    assert.equal(result.status, 200, result.text);
    return ((result.json as { events: AuditEvent[] }).events ?? []).slice().reverse();
  }

  it('users remove revokes the user’s API tokens at a running verifier, ends their sessions, and is audited', async () => {
    await addDashboardUser(server, 'carol', 'carol’s long password', { scopes: ['read:data'] });
    const carol = await signIn(server.url, 'carol', 'carol’s long password');
    const token = await createToken(['--user', 'carol']);

    await cliJson(server, ['users', 'remove', 'carol']);

    await assertRefusedFromTheStream(token);
    assert.equal((await carol.get('/session')).status, 401, 'the removed user’s session still works');
    const deleted = (await auditOf('carol')).filter((event) => event.action === 'user.delete');
    assert.deepEqual(
      deleted.map(({ actorName, actorId, address, outcome, detail }) => ({
        actorName,
        actorId,
        address,
        outcome,
        tokensRevoked: detail?.tokensRevoked,
      })),
      [{ actorName: 'cli', actorId: null, address: null, outcome: 'success', tokensRevoked: 1 }],
    );
  });

  it('clients remove revokes the client’s API tokens at a running verifier, and is audited', async () => {
    const service = await addClient(server, 'service', { scopes: ['read:data'] });
    const token = await createToken(['--client', service.clientId]);

    await cliJson(server, ['clients', 'remove', service.clientId]);

    await assertRefusedFromTheStream(token);
    const events = await auditOf(service.clientId);
    assert.deepEqual(
      events.map(({ action, actorName, outcome }) => [action, actorName, outcome]),
      [
        ['client.create', 'cli', 'success'],
        ['client.delete', 'cli', 'success'],
      ],
    );
  });

  it('apis add and remove and keys rotate are audited as cli', async () => {
    const api = 'https://api.example.com/short-lived';
    await addApi(server, api, ['x']);
    await cliJson(server, ['apis', 'remove', api]);
    assert.deepEqual(
      (await auditOf(api)).map(({ action, actorName }) => [action, actorName]),
      [
        ['api.create', 'cli'],
        ['api.delete', 'cli'],
      ],
    );
    const key = (await cliJson(server, ['keys', 'rotate'])) as { kid: string };
    assert.deepEqual(
      (await auditOf(key.kid)).map(({ action, actorName }) => [action, actorName]),
      [['key.rotate', 'cli']],
    );
  });
});
