/**
 * The CLI is a contract scripts rely on: `--json` output, list/remove working while the server runs and
 * taking effect at once, and bad arguments giving one line on stderr with exit status 2.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertOAuthError, assertTokenResponse, type HttpResult, postForm, postJson } from './support/http.js';
import { addApi, addClient, addUser, cliJson, type StandardSeed, seedStandard } from './support/seed.js';
import { firstNot200 } from './support/refusal.js';
import { clientCredentialsToken } from './support/tokens.js';
import { startTollgate, type TollgateProcess } from './support/tollgate.js';

/**
 * A CLI is another process and, without Redis, cannot tell the server what it changed: the server keeps clients and
 * APIs in memory for at most CATALOG_MAX_AGE_MS (500 ms), so a token may still be issued meanwhile. The first answer
 * that is not a token must come within a generous bound; every answer before it is a token.
 */
async function refusedWithinBound(send: () => Promise<HttpResult>): Promise<HttpResult> {
  const { result } = await firstNot200(send, {
    intervalMs: 50,
    stillAccepted: (elapsedMs) => `the server still issues tokens ${elapsedMs} ms after the change`,
  });
  return result;
}

describe('tollgate CLI', () => {
  let server: TollgateProcess;
  let seed: StandardSeed;
  before(async () => {
    server = await startTollgate();
    seed = await seedStandard(server);
  });
  after(() => server?.stop());

  // Usage errors in general are the CLI package's unit tests; these are the ones whose refusal comes
  // from the core's rules, checked end to end against a real data directory.
  describe('bad arguments', { concurrency: true }, () => {
    const badArguments: Array<[string, string[]]> = [
      ['an unknown command', ['frobnicate']],
      ['an API identifier with a fragment', ['apis', 'add', 'https://api.example.com/x#y', '--scopes', 'a']],
      ['a scope outside the RFC 6749 grammar', ['apis', 'add', 'https://api.example.com/q', '--scopes', 'a"b']],
      ['an unknown grant type', ['clients', 'add', 'x', '--scopes', 'read:data', '--grants', 'implicit']],
      [
        'an API the client would be limited to that does not exist',
        ['clients', 'add', 'x', '--scopes', 'read:data', '--apis', 'https://nowhere.example'],
      ],
      ['a port that is not a number', ['start', '--port', 'eighty']],
    ];
    for (const [what, args] of badArguments) {
      it(`exits 2 with one line on stderr for ${what}`, async () => {
        const result = await server.cli(args);
        assert.equal(result.status, 2, `exit status for ${what}: ${result.status}\n${result.stderr}${result.stdout}`);
        const lines = result.stderr.trim().split('\n');
        assert.equal(lines.length, 1, `stderr should be one line:\n${result.stderr}`);
        assert.match(lines[0] ?? '', /^tollgate: \S/);
        assert.ok(!/\n\s+at /.test(result.stderr + result.stdout), 'a stack trace was printed');
      });
    }
  });

  it('lists APIs, users and clients as JSON, without hashes or secrets', async () => {
    const apis = JSON.stringify(await cliJson(server, ['apis', 'list']));
    assert.ok(apis.includes('https://api.example.com/user'), apis);
    const users = JSON.stringify(await cliJson(server, ['users', 'list']));
    assert.ok(users.includes(seed.user.username), users);
    assert.ok(!/argon2|passwordHash|password/i.test(users), `users list shows password material: ${users}`);
    const clients = JSON.stringify(await cliJson(server, ['clients', 'list']));
    assert.ok(clients.includes(seed.backend.clientId), clients);
    assert.ok(!clients.includes(seed.backend.clientSecret), 'clients list shows the secret again');
    assert.ok(!/argon2|secretHash/i.test(clients), `clients list shows secret material: ${clients}`);
  });

  it('refuses a duplicate API, user or client name without a stack trace', async () => {
    for (const args of [
      ['apis', 'add', 'https://api.example.com/user', '--scopes', 'x'],
      ['users', 'add', seed.user.username, '--password-stdin', '--scopes', 'read:data'],
    ]) {
      const result = await server.cli(args, { stdin: 'another password\n' });
      assert.notEqual(result.status, 0, `duplicate accepted: ${args.join(' ')}`);
      assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
      assert.ok(!/\n\s+at /.test(result.stderr), 'a stack trace was printed');
    }
  });

  it('removes a client while the server runs, and its secret stops working within the catalog bound', async () => {
    const doomed = await addClient(server, 'doomed', { scopes: ['read:data'] });
    await clientCredentialsToken(server.url, doomed);
    await cliJson(server, ['clients', 'remove', doomed.clientId]);
    const refused = await refusedWithinBound(() =>
      postForm(`${server.url}/token`, { grant_type: 'client_credentials' }, { basic: doomed }),
    );
    assertOAuthError(refused, 401, 'invalid_client');
  });

  it('removes a user while the server runs, and the login stops working at once', async () => {
    await addUser(server, 'temporary', 'temporary password', ['read:data']);
    assertTokenResponse(
      await postJson(`${server.url}/token`, { username: 'temporary', password: 'temporary password' }),
    );
    await cliJson(server, ['users', 'remove', 'temporary']);
    assertOAuthError(
      await postJson(`${server.url}/token`, { username: 'temporary', password: 'temporary password' }),
      400,
      'invalid_grant',
    );
  });

  it('removes an API while the server runs, and it becomes an invalid_target within the catalog bound', async () => {
    const api = 'https://api.example.com/removable';
    await addApi(server, api, ['read:data']);
    const client = await addClient(server, 'removable-user', { scopes: ['read:data'], apis: [api] });
    await clientCredentialsToken(server.url, client, { resource: api });
    await cliJson(server, ['apis', 'remove', api]);
    const refused = await refusedWithinBound(() =>
      postForm(`${server.url}/token`, { grant_type: 'client_credentials', resource: api }, { basic: client }),
    );
    assertOAuthError(refused, 400, 'invalid_target');
  });

  it('reports removing something that does not exist without exit status 0', async () => {
    const result = await server.cli(['users', 'remove', 'nobody-by-that-name']);
    assert.notEqual(result.status, 0);
    assert.ok(!/\n\s+at /.test(result.stderr), 'a stack trace was printed');
  });
});
