/**
 * Expired access tokens are `{"active": false}` and fail verification. The shortest lifetime an API may
 * have is 60 s, so this file waits that long (in parallel with the others) with clock leeway set to 0.
 */
import { errors as joseErrors } from 'jose';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { verifyAccessToken } from './support/jwt.js';
import { addApi, addClient } from './support/seed.js';
import { assertActive, assertInactive, clientCredentialsToken } from './support/tokens.js';
import { startTollgate, type TollgateProcess } from './support/tollgate.js';

const SHORT_API = 'https://api.example.com/short';

describe('expiry', () => {
  let server: TollgateProcess;
  before(async () => {
    server = await startTollgate({ config: { clockTolerance: '0s' } });
    await addApi(server, SHORT_API, ['ping'], { isDefault: true, tokenTtl: '1m' });
  });
  after(() => server?.stop());

  it('reports a token inactive once its exp has passed', { timeout: 90_000 }, async () => {
    const client = await addClient(server, 'short', { scopes: ['ping'] });
    const tokens = await clientCredentialsToken(server.url, client);
    assert.equal(tokens.expires_in, 60);
    const { payload } = await verifyAccessToken(server.url, tokens.access_token, SHORT_API);
    await assertActive(server.url, client, tokens.access_token, 'a fresh token');

    const msUntilExpired = (payload.exp ?? 0) * 1000 - Date.now() + 1_500;
    await sleep(Math.max(0, msUntilExpired));

    await assertInactive(server.url, client, tokens.access_token, 'an expired token');
    await assert.rejects(verifyAccessToken(server.url, tokens.access_token, SHORT_API), joseErrors.JWTExpired);
  });
});
