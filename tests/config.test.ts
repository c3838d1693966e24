/**
 * Configuration: defaults < config file < TOLLGATE_* environment < flags, validated once at start with
 * precise one-line errors; the encryption key never lives in a config file.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertOAuthError, postJson } from './support/http.js';
import { addApi, addClient } from './support/seed.js';
import { clientCredentialsToken } from './support/tokens.js';
import { startTollgate } from './support/tollgate.js';

/** Starting must fail; returns the harness error, which carries the exit status and the output. */
async function failedStart(config: Record<string, unknown>): Promise<string> {
  const outcome = await startTollgate({ config, readyTimeoutMs: 15_000 }).then(
    async (server) => {
      await server.stop();
      return undefined;
    },
    (error: Error) => error.message,
  );
  assert.ok(outcome !== undefined, `the server started with ${JSON.stringify(config)}`);
  return outcome;
}

describe('configuration', () => {
  it('gives APIs added without --token-ttl the configured accessTokenTtl', async () => {
    const server = await startTollgate({ config: { accessTokenTtl: '2m' } });
    try {
      await addApi(server, 'https://api.example.com/configured', ['read:data'], { isDefault: true });
      const client = await addClient(server, 'configured', { scopes: ['read:data'] });
      const tokens = await clientCredentialsToken(server.url, client);
      assert.equal(tokens.expires_in, 120);
    } finally {
      await server.stop();
    }
  });

  it('lets TOLLGATE_* environment variables override the config file', async () => {
    const server = await startTollgate({ config: { passwordLogin: true }, env: { TOLLGATE_PASSWORD_LOGIN: 'false' } });
    try {
      // With the login off, {username, password} is not a grant at all; with it on, this would be invalid_grant.
      const result = await postJson(`${server.url}/token`, { username: 'nobody', password: 'nothing' });
      assertOAuthError(result, 400, 'invalid_request');
    } finally {
      await server.stop();
    }
  });

  it('refuses an invalid value at start with exit status 2, naming the setting and its source', async () => {
    const message = await failedStart({ accessTokenTtl: 'forever' });
    assert.match(message, /exited \(code 2,/);
    assert.match(message, /accessTokenTtl/);
    assert.match(message, /config\.json/);
    assert.doesNotMatch(message, /\n\s+at /, 'a stack trace was printed');
  });

  it('refuses an unknown setting at start', async () => {
    const message = await failedStart({ passwordLogn: false });
    assert.match(message, /exited \(code 2,/);
    assert.match(message, /passwordLogn/);
  });

  it('refuses an encryption key in the config file without echoing it', async () => {
    const key = 'this-is-a-secret-encryption-key-0123456789';
    const message = await failedStart({ encryptionKey: key });
    assert.match(message, /exited \(code 2,/);
    assert.match(message, /encryptionKey/);
    assert.ok(!message.includes(key), 'the refused key was printed');
  });
});
