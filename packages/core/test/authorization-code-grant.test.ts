import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { createHash } from 'node:crypto';
import { OPERATOR, TollgateError } from '../src/index.js';
import { type InMemoryTollgate, openInMemoryTollgate, USER } from './support/tollgate-in-memory.js';

const CALLBACK = 'https://app.example/callback';
const VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const CHALLENGE = createHash('sha256').update(VERIFIER).digest('base64url');

describe('authorization_code grant (RFC 6749 4.1.3)', () => {
  let harness: InMemoryTollgate;
  let clientId = '';

  beforeEach(async () => {
    harness = await openInMemoryTollgate();
    const created = await harness.tollgate.as(OPERATOR).clients.create({
      name: 'web',
      scopes: ['read:data'],
      public: true,
      redirectUris: [CALLBACK],
    });
    clientId = created.client.id;
  });
  afterEach(() => harness.close());

  function authorizationRequest() {
    const params = new Map([
      ['response_type', 'code'],
      ['client_id', clientId],
      ['redirect_uri', CALLBACK],
      ['code_challenge', CHALLENGE],
      ['code_challenge_method', 'S256'],
    ]);
    return harness.tollgate.checkAuthorization(params, []);
  }

  async function code(): Promise<string> {
    const request = await authorizationRequest();
    const location = await harness.tollgate.approveAuthorization(request, USER, '192.0.2.1');
    return new URL(location).searchParams.get('code') ?? '';
  }

  function redeem(presented: string) {
    return harness.tollgate.token({
      params: new Map([
        ['grant_type', 'authorization_code'],
        ['code', presented],
        ['redirect_uri', CALLBACK],
        ['code_verifier', VERIFIER],
      ]),
      resources: [],
      client: { method: 'none', clientId },
      remoteAddress: '192.0.2.1',
    });
  }

  async function refusedWith(attempt: Promise<unknown>, description: string): Promise<void> {
    await assert.rejects(attempt, (error: unknown) => {
      assert.ok(error instanceof TollgateError, String(error));
      assert.deepEqual([error.oauthError, error.description], ['invalid_grant', description]);
      return true;
    });
  }

  it('redeems a code within its 60 seconds, and not after', async () => {
    const fresh = await code();
    harness.advance(59);
    assert.equal((await redeem(fresh)).scope, 'read:data');
    const late = await code();
    harness.advance(60);
    await refusedWith(redeem(late), 'The authorization code is invalid or expired');
  });

  it('audits each sign-in on the page as authorization.sign_in, with the client as target', async () => {
    await code();
    const request = await authorizationRequest();
    await assert.rejects(
      harness.tollgate.approveAuthorization(request, { ...USER, password: 'wrong' }, '192.0.2.1'),
      (error: unknown) => error instanceof TollgateError && error.code === 'unauthenticated',
    );
    const events = await harness.tollgate.as(OPERATOR).audit.list({ action: 'authorization.sign_in' });
    assert.deepEqual(
      events.map(({ actorName, target, outcome, detail }) => ({ actorName, target, outcome, detail })),
      [
        { actorName: 'alice', target: clientId, outcome: 'failure', detail: { reason: 'bad_credentials' } },
        { actorName: 'alice', target: clientId, outcome: 'success', detail: null },
      ],
    );
  });

  it('refuses the code of a user disabled since they signed in', async () => {
    const issued = await code();
    await harness.tollgate.as(OPERATOR).users.update(harness.userId, { disabled: true });
    await refusedWith(redeem(issued), 'The authorization code is invalid or expired');
  });

  it('lets exactly one of 10 concurrent redemptions win, and the others revoke what it issued', async () => {
    const issued = await code();
    const outcomes = await Promise.allSettled(Array.from({ length: 10 }, () => redeem(issued)));
    const won = outcomes.filter((outcome) => outcome.status === 'fulfilled');
    assert.equal(won.length, 1);
    const tokens = (won[0] as PromiseFulfilledResult<{ access_token: string }>).value;
    assert.deepEqual(await harness.introspect(tokens.access_token, harness.backend), { active: false });
  });
});
