/**
 * Expired access tokens are `{"active": false}` and fail verification. The shortest lifetime an API may
 * have is 60 s; instead of waiting that long, the server runs on a test clock (TOLLGATE_TEST_CLOCK_FILE)
 * that the test moves past the token's `exp`, with clock leeway set to 0.
 */
import { createLocalJWKSet, errors as joseErrors, jwtVerify } from 'jose';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fetchJwks, verifyAccessToken } from './support/jwt.js';
import { addApi, addClient } from './support/seed.js';
import { assertActive, assertInactive, clientCredentialsToken } from './support/tokens.js';
import { startTollgate, type TollgateProcess } from './support/tollgate.js';

const SHORT_API = 'https://api.example.com/short';

describe('expiry', () => {
  let server: TollgateProcess;
  let clockDir: string;
  let clockFile: string;
  before(async () => {
    clockDir = await mkdtemp(join(tmpdir(), 'tollgate-clock-'));
    clockFile = join(clockDir, 'offset-ms');
    server = await startTollgate({ config: { clockTolerance: '0s' }, env: { TOLLGATE_TEST_CLOCK_FILE: clockFile } });
    await addApi(server, SHORT_API, ['ping'], { isDefault: true, tokenTtl: '1m' });
  });
  after(async () => {
    await server?.stop();
    await rm(clockDir, { recursive: true, force: true });
  });

  it('reports a token inactive once its exp has passed', async () => {
    const client = await addClient(server, 'short', { scopes: ['ping'] });
    const tokens = await clientCredentialsToken(server.url, client);
    assert.equal(tokens.expires_in, 60);
    const { payload } = await verifyAccessToken(server.url, tokens.access_token, SHORT_API);
    await assertActive(server.url, client, tokens.access_token, 'a fresh token');

    // One second past exp on the server's clock; the test's own checks use the same moment.
    const offsetMs = (payload.exp ?? 0) * 1000 - Date.now() + 1_000;
    await writeFile(clockFile, String(offsetMs));
    const serverNow = new Date(Date.now() + offsetMs);

    await assertInactive(server.url, client, tokens.access_token, 'an expired token');
    const jwks = createLocalJWKSet(await fetchJwks(server.url));
    await assert.rejects(
      jwtVerify(tokens.access_token, jwks, { issuer: server.url, audience: SHORT_API, currentDate: serverNow }),
      joseErrors.JWTExpired,
    );
  });
});
