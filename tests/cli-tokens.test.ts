/**
 * `tollgate tokens`: API tokens made, listed, regenerated and revoked from the command line while the server
 * runs, and what the server then says about them over introspection (RFC 7662). Scripts rely on the `--json`
 * shapes and on the exit statuses: 2 for a mistake in the command line, 1 for a token that does not exist.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { asObject, type ClientCredentials, postJson, request } from './support/http.js';
import { cliJson, cliOk, seedStandard, USER_API } from './support/seed.js';
import { assertActive, introspect } from './support/tokens.js';
import { startTollgate, type TollgateProcess } from './support/tollgate.js';
import { waitUntil } from './support/wait.js';

interface TokenView {
  id: string;
  name: string;
  owner: { kind: string; id: string; name: string };
  apis: string[];
  scopes: string[];
  expiresAt: number | null;
}

interface Created {
  token: TokenView;
  secret: string;
}

/** `tg_`, then base62 only: safe in a header, a shell and a URL without quoting. */
const TOKEN_FORMAT = /^tg_[0-9A-Za-z]+$/;
/** Revocation takes effect at once in the store; the bound only absorbs a busy machine. */
const INACTIVE_WITHIN_MS = 2_000;

function asCreated(value: unknown): Created {
  const created = value as Created;
  assert.equal(typeof created?.secret, 'string', `no secret in ${JSON.stringify(value)}`);
  assert.equal(typeof created.token?.id, 'string', `no token id in ${JSON.stringify(value)}`);
  return created;
}

async function becomesInactive(server: TollgateProcess, client: ClientCredentials, secret: string, what: string) {
  await waitUntil(
    `${what} introspects as inactive`,
    async () => {
      const body = await introspect(server.url, client, secret);
      return body.active === false ? body : undefined;
    },
    { timeoutMs: INACTIVE_WITHIN_MS },
  );
  assert.deepEqual(
    await introspect(server.url, client, secret),
    { active: false },
    `${what}: exactly {"active": false}`,
  );
}

describe('tollgate tokens', () => {
  let server: TollgateProcess;
  let backend: ClientCredentials;
  before(async () => {
    server = await startTollgate();
    ({ backend } = await seedStandard(server));
  });
  after(() => server?.stop());

  it('creates a token for a user, whose secret introspects as active with its scopes, and lists it without the secret', async () => {
    const created = asCreated(
      await cliJson(server, [
        'tokens',
        'create',
        '--user',
        'alice',
        '--name',
        'ci deploys',
        '--api',
        USER_API,
        '--scope',
        'read:data',
        '--expires',
        '30d',
      ]),
    );
    assert.match(created.secret, TOKEN_FORMAT);
    assert.deepEqual([created.token.owner.kind, created.token.owner.name], ['user', 'alice']);
    assert.deepEqual(created.token.scopes, ['read:data']);
    const expiresInSeconds = (created.token.expiresAt ?? 0) - Math.floor(Date.now() / 1000);
    assert.ok(Math.abs(expiresInSeconds - 30 * 86_400) < 120, `expires in ${expiresInSeconds} s, not 30 days`);

    const body = await assertActive(server.url, backend, created.secret, 'a fresh API token');
    assert.equal(body.scope, 'read:data');

    const listed = (await cliJson(server, ['tokens', 'list', '--user', 'alice'])) as TokenView[];
    assert.deepEqual(
      listed.map((token) => token.id),
      [created.token.id],
    );
    const everything = JSON.stringify(await cliJson(server, ['tokens', 'list']));
    assert.ok(everything.includes(created.token.id), everything);
    assert.ok(!everything.includes(created.secret), 'tokens list shows the secret again');
  });

  it('regenerates a token: the old secret is inactive at once, the new one active; revoking ends the new one', async () => {
    const created = asCreated(
      await cliJson(server, [
        'tokens',
        'create',
        '--user',
        'alice',
        '--name',
        'rotate me',
        '--api',
        USER_API,
        '--scope',
        'read:data',
      ]),
    );
    const expiresInSeconds = (created.token.expiresAt ?? 0) - Math.floor(Date.now() / 1000);
    assert.ok(Math.abs(expiresInSeconds - 90 * 86_400) < 120, `without --expires: ${expiresInSeconds} s, not 90 days`);
    await assertActive(server.url, backend, created.secret, 'the first secret');

    const regenerated = asCreated(await cliJson(server, ['tokens', 'regenerate', created.token.id]));
    assert.equal(regenerated.token.id, created.token.id, 'regenerating keeps the token (and its id)');
    assert.match(regenerated.secret, TOKEN_FORMAT);
    assert.notEqual(regenerated.secret, created.secret);
    await becomesInactive(server, backend, created.secret, 'the secret replaced by regenerate');
    await assertActive(server.url, backend, regenerated.secret, 'the regenerated secret');

    const revoked = (await cliJson(server, ['tokens', 'revoke', regenerated.token.id])) as Record<string, unknown>;
    assert.deepEqual(revoked, { revoked: true, id: created.token.id });
    await becomesInactive(server, backend, regenerated.secret, 'a revoked token');
  });

  it('creates a token for a client (a service account), listed under that client only', async () => {
    const created = asCreated(
      await cliJson(server, [
        'tokens',
        'create',
        '--client',
        backend.clientId,
        '--name',
        'nightly export',
        '--api',
        USER_API,
        '--scope',
        'read:data write:data',
      ]),
    );
    assert.deepEqual([created.token.owner.kind, created.token.owner.id], ['client', backend.clientId]);
    assert.deepEqual([...created.token.scopes].sort(), ['read:data', 'write:data']);
    await assertActive(server.url, backend, created.secret, "a client's API token");
    const mine = (await cliJson(server, ['tokens', 'list', '--client', backend.clientId])) as TokenView[];
    assert.deepEqual(
      mine.map((token) => token.id),
      [created.token.id],
    );
  });

  it('says in human output that the secret is shown once, and prints it once', async () => {
    const stdout = await cliOk(server, [
      'tokens',
      'create',
      '--user',
      'alice',
      '--name',
      'by hand',
      '--api',
      USER_API,
      '--scope',
      'read:data',
    ]);
    const secrets = stdout.match(/tg_[0-9A-Za-z]{20,}/g) ?? [];
    assert.equal(secrets.length, 1, `expected the secret exactly once:\n${stdout}`);
    assert.match(stdout, /shown once/i);
    assert.match(stdout, /won't be shown again/i);
  });

  describe('bad arguments: exit status 2, one line on stderr', { concurrency: true }, () => {
    const cases: Array<[string, string[], RegExp]> = [
      ['a missing --name', ['tokens', 'create', '--user', 'alice', '--api', USER_API], /--name/],
      [
        'both --user and --client',
        ['tokens', 'create', '--user', 'alice', '--client', 'x', '--name', 'n', '--api', USER_API],
        /--user.*--client|--client.*--user/,
      ],
      ['no owner', ['tokens', 'create', '--name', 'n', '--api', USER_API], /--user.*--client/],
      ['no --api', ['tokens', 'create', '--user', 'alice', '--name', 'n', '--scope', 'read:data'], /--api/],
      ['no --scope', ['tokens', 'create', '--user', 'alice', '--name', 'n', '--api', USER_API], /--scope/],
      [
        'an --expires that is no duration',
        ['tokens', 'create', '--user', 'alice', '--name', 'n', '--api', USER_API, '--expires', 'soonish'],
        /--expires.*soonish/,
      ],
      [
        '--expires never, which the server does not allow by default',
        [
          'tokens',
          'create',
          '--user',
          'alice',
          '--name',
          'n',
          '--api',
          USER_API,
          '--scope',
          'read:data',
          '--expires',
          'never',
        ],
        /--expires never.*allowNeverExpiringApiTokens/,
      ],
      [
        'an --expires of zero',
        ['tokens', 'create', '--user', 'alice', '--name', 'n', '--api', USER_API, '--expires', '0d'],
        /--expires/,
      ],
    ];
    for (const [what, args, pattern] of cases) {
      it(`for ${what}`, async () => {
        const result = await server.cli(args);
        assert.equal(result.status, 2, `${what}: exit ${result.status}\n${result.stderr}${result.stdout}`);
        assert.equal(result.stdout, '');
        const lines = result.stderr.trim().split('\n');
        assert.equal(lines.length, 1, `stderr should be one line:\n${result.stderr}`);
        assert.match(lines[0] ?? '', /^tollgate: /);
        assert.match(lines[0] ?? '', pattern);
      });
    }
  });

  it('answers regenerate and revoke of an unknown id with exit status 1 and one line', async () => {
    for (const verb of ['regenerate', 'revoke']) {
      const result = await server.cli(['tokens', verb, 'tok_doesnotexist']);
      assert.equal(result.status, 1, `tokens ${verb} of an unknown id: exit ${result.status}\n${result.stderr}`);
      assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
      assert.ok(!/\n\s+at /.test(result.stderr), 'a stack trace was printed');
    }
  });

  it("makes the first admin with users add --admin, who finds the CLI's token changes in the audit log as cli", async () => {
    const created = asCreated(
      await cliJson(server, [
        'tokens',
        'create',
        '--user',
        'alice',
        '--name',
        'audited',
        '--api',
        USER_API,
        '--scope',
        'read:data',
      ]),
    );
    await cliJson(server, ['tokens', 'regenerate', created.token.id]);
    await cliJson(server, ['tokens', 'revoke', created.token.id]);
    const password = 'a long admin password';
    const admin = (await cliJson(server, ['users', 'add', 'root', '--password-stdin', '--admin'], {
      stdin: `${password}\n`,
    })) as Record<string, unknown>;
    assert.equal(admin.is_admin, true);

    const signIn = await postJson(`${server.url}/api/v1/session`, { username: 'root', password });
    assert.equal(signIn.status, 200, `an admin made by the CLI cannot sign in: ${signIn.text}`);
    const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const audit = await request(`${server.url}/api/v1/audit?target=${encodeURIComponent(created.token.id)}`, {
      headers: { cookie },
    });
    assert.equal(audit.status, 200, audit.text);
    const events = (asObject(audit.json).events ?? []) as Array<Record<string, unknown>>;
    assert.deepEqual(events.map((event) => [event.action, event.actorName, event.address, event.outcome]).reverse(), [
      ['api_token.create', 'cli', null, 'success'],
      ['api_token.regenerate', 'cli', null, 'success'],
      ['api_token.revoke', 'cli', null, 'success'],
    ]);
  });
});
