import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { dataDir, ok, okJson, run } from './run.js';

const API = 'https://api.example.com';

describe('tollgate apis', () => {
  const data = dataDir();
  const d = ['--data', data];

  it('adds an API and prints it as stable JSON', async () => {
    const api = await okJson<Record<string, unknown>>([
      'apis',
      'add',
      API,
      '--scopes',
      'read:data write:data',
      '--token-ttl',
      '10m',
      ...d,
    ]);
    assert.deepEqual(Object.keys(api).sort(), [
      'created_at',
      'default',
      'dpop',
      'identifier',
      'scopes',
      'token_ttl_seconds',
    ]);
    assert.equal(api.identifier, API);
    assert.equal(api.dpop, 'allowed');
    assert.deepEqual(api.scopes, ['read:data', 'write:data']);
    assert.equal(api.token_ttl_seconds, 600);
    assert.equal(api.default, true);
    assert.equal(typeof api.created_at, 'number');
  });

  it('adds a second API in human form and lists both', async () => {
    const out = await ok(['apis', 'add', 'https://other.example.com', '--scopes', 'x', '--default', ...d]);
    assert.match(out, /^Added API https:\/\/other\.example\.com$/m);
    assert.match(out, /default: +yes/);
    const list = await okJson<Array<{ identifier: string; default: boolean }>>(['apis', 'list', ...d]);
    assert.deepEqual(list.map((api) => api.identifier).sort(), [API, 'https://other.example.com']);
    assert.equal(list.filter((api) => api.default).length, 1);
    const table = await ok(['apis', 'list', ...d]);
    assert.match(table, /^IDENTIFIER +DEFAULT +TOKEN TTL +CREATED +SCOPES$/m);
    assert.match(table, /https:\/\/api\.example\.com +10m/);
  });

  it('takes --dpop required, and refuses any other policy with exit status 2 and one line naming both', async () => {
    const bound = await okJson<Record<string, unknown>>(['apis', 'add', `${API}/bound`, '--dpop', 'required', ...d]);
    assert.equal(bound.dpop, 'required');
    await okJson(['apis', 'remove', `${API}/bound`, ...d]);
    const result = await run(['apis', 'add', `${API}/sometimes`, '--dpop', 'sometimes', ...d]);
    assert.equal(result.status, 2, 'a bad value, as for an identifier that is not a URI');
    assert.equal(result.stderr, 'tollgate: dpop must be required or allowed\n');
  });

  it('refuses a duplicate with exit status 1 and one line', async () => {
    const result = await run(['apis', 'add', API, '--scopes', 'a', ...d]);
    assert.equal(result.status, 1);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /^tollgate: .+\n$/);
  });

  it('refuses an identifier that is not an absolute URI with exit status 2', async () => {
    const result = await run(['apis', 'add', 'not-a-uri', ...d]);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /^tollgate: .*absolute URI.*\n$/);
  });

  it('removes an API, and says so as JSON', async () => {
    assert.deepEqual(await okJson(['apis', 'remove', 'https://other.example.com', ...d]), {
      removed: true,
      identifier: 'https://other.example.com',
    });
    const list = await okJson<unknown[]>(['apis', 'list', ...d]);
    assert.equal(list.length, 1);
  });

  it('answers removing an unknown API with exit status 1', async () => {
    const result = await run(['apis', 'remove', 'https://nothing.example.com', ...d]);
    assert.equal(result.status, 1);
    assert.equal(result.stderr.split('\n').filter(Boolean).length, 1);
  });
});

describe('tollgate users', () => {
  const data = dataDir();
  const d = ['--data', data];
  const password = 'correct horse battery staple';

  before(async () => {
    await ok(['apis', 'add', API, '--scopes', 'read:data write:data', ...d]);
  });

  it('adds a user with the password from stdin, never printing it', async () => {
    const user = await okJson<Record<string, unknown>>(
      ['users', 'add', 'alice', '--password-stdin', '--scopes', 'read:data', ...d],
      {
        input: `${password}\n`,
      },
    );
    assert.deepEqual(Object.keys(user).sort(), ['created_at', 'disabled', 'id', 'is_admin', 'scopes', 'username']);
    assert.equal(user.username, 'alice');
    assert.deepEqual(user.scopes, ['read:data']);
    assert.ok(!JSON.stringify(user).includes(password));
  });

  it('lists and removes users', async () => {
    await ok(['users', 'add', 'bob', '--password-stdin', ...d], { input: password });
    const list = await okJson<Array<{ username: string }>>(['users', 'list', ...d]);
    assert.deepEqual(list.map((user) => user.username).sort(), ['alice', 'bob']);
    assert.match(await ok(['users', 'remove', 'bob', ...d]), /^Removed user bob$/m);
    assert.equal((await okJson<unknown[]>(['users', 'list', ...d])).length, 1);
  });

  it('refuses to prompt without a terminal (exit status 2)', async () => {
    const result = await run(['users', 'add', 'carol', ...d], { input: password });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /^tollgate: .*--password-stdin.*\n$/);
  });

  it('refuses a password the core finds too short (exit status 2)', async () => {
    const result = await run(['users', 'add', 'dave', '--password-stdin', ...d], { input: 'short\n' });
    assert.equal(result.status, 2);
    assert.equal(result.stderr.split('\n').filter(Boolean).length, 1);
    assert.ok(!result.stderr.includes('short'));
  });

  it('answers removing an unknown user with exit status 1', async () => {
    assert.equal((await run(['users', 'remove', 'nobody', ...d])).status, 1);
  });

  it('adds an admin with --admin, and users set changes admin and disabled', async () => {
    const admin = await okJson<{ is_admin: boolean }>(['users', 'add', 'erin', '--password-stdin', '--admin', ...d], {
      input: password,
    });
    assert.equal(admin.is_admin, true);
    const changed = await okJson<{ is_admin: boolean; disabled: boolean }>([
      'users',
      'set',
      'erin',
      '--no-admin',
      '--disable',
      ...d,
    ]);
    assert.deepEqual([changed.is_admin, changed.disabled], [false, true]);
    const listed = await okJson<Array<{ username: string; is_admin: boolean; disabled: boolean }>>([
      'users',
      'list',
      ...d,
    ]);
    const erin = listed.find((user) => user.username === 'erin');
    assert.deepEqual([erin?.is_admin, erin?.disabled], [false, true]);
    const enabled = await okJson<{ disabled: boolean }>(['users', 'set', 'erin', '--enable', ...d]);
    assert.equal(enabled.disabled, false);
  });

  it('users set answers nothing to change with 2 and an unknown user with 1', async () => {
    const nothing = await run(['users', 'set', 'erin', ...d]);
    assert.equal(nothing.status, 2, nothing.stderr);
    assert.match(nothing.stderr, /^tollgate: nothing to change.*\n$/);
    const both = await run(['users', 'set', 'erin', '--enable', '--disable', ...d]);
    assert.equal(both.status, 2, both.stderr);
    assert.equal((await run(['users', 'set', 'nobody', '--admin', ...d])).status, 1);
  });
});

describe('tollgate clients', () => {
  const data = dataDir();
  const d = ['--data', data];

  before(async () => {
    await ok(['apis', 'add', API, '--scopes', 'read:data', ...d]);
  });

  it('prints client_id and client_secret once, as JSON', async () => {
    const client = await okJson<Record<string, unknown>>([
      'clients',
      'add',
      'reporting',
      '--scopes',
      'read:data',
      '--apis',
      API,
      '--grants',
      'client_credentials refresh_token',
      ...d,
    ]);
    assert.deepEqual(Object.keys(client).sort(), [
      'apis',
      'client_id',
      'client_secret',
      'dpop',
      'grant_types',
      'name',
      'public',
      'redirect_uris',
      'scopes',
      'third_party',
    ]);
    assert.equal(typeof client.client_id, 'string');
    assert.equal(typeof client.client_secret, 'string');
    assert.deepEqual(client.apis, [API]);
    assert.deepEqual(client.grant_types, ['client_credentials', 'refresh_token']);
    assert.equal(client.dpop, 'allowed');
    const listed = await ok(['clients', 'list', '--json', ...d]);
    assert.ok(listed.includes(client.client_id as string));
    assert.ok(!listed.includes(client.client_secret as string), 'the secret is never shown again');
  });

  it('labels the credentials and says the secret is shown once', async () => {
    const out = await ok(['clients', 'add', 'billing', '--scopes', 'read:data', ...d]);
    assert.match(out, /^ {2}client_id: +\S+$/m);
    assert.match(out, /^ {2}client_secret: +\S+$/m);
    assert.match(out, /shown once/);
  });

  it('adds a public client for the code flow: no secret, its redirect URIs, third-party when asked', async () => {
    const redirect = ['--redirect-uri', 'https://app.example/callback', '--redirect-uri', 'http://127.0.0.1/cb'];
    const web = await okJson<Record<string, unknown>>(['clients', 'add', 'web', '--public', ...redirect, ...d]);
    assert.equal(web.client_secret, null);
    assert.equal(web.public, true);
    assert.equal(web.third_party, false);
    assert.deepEqual(web.redirect_uris, ['https://app.example/callback', 'http://127.0.0.1/cb']);
    assert.deepEqual(web.grant_types, ['authorization_code', 'refresh_token']);
    const out = await ok(['clients', 'add', 'partner', '--third-party', ...redirect, ...d]);
    assert.match(out, /^Added third-party client partner$/m);
    assert.match(out, /^ {2}client_secret: +\S+$/m);
  });

  it('refuses a public client other grants, a third party the password grant, and an http redirect', async () => {
    const redirect = ['--redirect-uri', 'https://app.example/callback'];
    for (const args of [
      ['--public', '--grants', 'client_credentials', ...redirect],
      ['--third-party', '--grants', 'password authorization_code', ...redirect],
      ['--redirect-uri', 'http://app.example/callback'],
      ['--public'],
    ]) {
      const result = await run(['clients', 'add', 'x', ...args, ...d]);
      assert.equal(result.status, 2, `${args.join(' ')}: ${result.stderr}`);
    }
    const dropped = await okJson<Record<string, unknown>>([
      'clients',
      'add',
      'y',
      '--grants',
      'password refresh_token',
      '--no-password-grant',
      ...d,
    ]);
    assert.deepEqual(dropped.grant_types, ['refresh_token']);
  });

  it('removes a client', async () => {
    const { client_id: clientId } = await okJson<{ client_id: string }>(['clients', 'add', 'temp', ...d]);
    assert.deepEqual(await okJson(['clients', 'remove', clientId, ...d]), { removed: true, client_id: clientId });
    const list = await okJson<Array<{ client_id: string }>>(['clients', 'list', ...d]);
    assert.ok(!list.some((client) => client.client_id === clientId));
  });

  it('refuses an unknown grant type or API with exit status 2', async () => {
    const grant = await run(['clients', 'add', 'x', '--grants', 'implicit', ...d]);
    assert.equal(grant.status, 2);
    assert.match(grant.stderr, /^tollgate: .*implicit.*\n$/);
    const api = await run(['clients', 'add', 'x', '--apis', 'https://unknown.example.com', ...d]);
    assert.equal(api.status, 2);
  });
});

describe('tollgate keys', () => {
  const data = dataDir();
  const d = ['--data', data];

  it('starts with one signing key and rotates to a new one', async () => {
    const initial = await okJson<Array<{ kid: string; signing: boolean; alg: string }>>(['keys', 'list', ...d]);
    assert.equal(initial.length, 1);
    assert.equal(initial[0]?.signing, true);
    assert.equal(initial[0]?.alg, 'EdDSA');

    const rotated = await okJson<Record<string, unknown>>(['keys', 'rotate', '--alg', 'ES256', '--now', ...d]);
    assert.deepEqual(Object.keys(rotated).sort(), [
      'activates_at',
      'alg',
      'created_at',
      'expires_at',
      'kid',
      'retired_at',
      'signing',
    ]);
    assert.equal(rotated.alg, 'ES256');
    assert.equal(rotated.signing, true);

    const after = await okJson<Array<{ kid: string; signing: boolean; expires_at: number | null }>>([
      'keys',
      'list',
      ...d,
    ]);
    assert.equal(after.length, 2);
    assert.deepEqual(
      after.filter((key) => key.signing).map((key) => key.kid),
      [rotated.kid],
    );
    const retired = after.find((key) => key.kid === initial[0]?.kid);
    assert.equal(typeof retired?.expires_at, 'number');
  });

  it('refuses an unsupported algorithm with exit status 2', async () => {
    const result = await run(['keys', 'rotate', '--alg', 'HS256', ...d]);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /^tollgate: .*HS256.*\n$/);
  });
});

describe('the data directory', () => {
  it('gets a private encryption key on first use, with one warning', async () => {
    const data = dataDir();
    const first = await run(['apis', 'list', '--data', data]);
    assert.equal(first.status, 0);
    assert.match(first.stderr, /^tollgate: warning: .*TOLLGATE_ENCRYPTION_KEY/);
    assert.equal(statSync(join(data, 'encryption.key')).mode & 0o777, 0o600);
    const second = await run(['apis', 'list', '--data', data]);
    assert.equal(second.stderr, '');
  });

  it('takes --data before the command, or TOLLGATE_DATA', async () => {
    const data = dataDir();
    await ok(['--data', data, 'apis', 'add', API]);
    const viaEnv = await run(['apis', 'list', '--json'], { env: { TOLLGATE_DATA: data } });
    assert.equal((JSON.parse(viaEnv.stdout) as unknown[]).length, 1);
  });
});
