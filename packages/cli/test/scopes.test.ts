/**
 * A user's or a client's scopes must be defined by a registered API (a grant can never carry any other), and
 * `--scopes` is space-separated: the CLI says so instead of storing a typo that only shows as an empty token later.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { dataDir, ok, okJson, run } from './run.js';

const API = 'https://api.example.com';
const PASSWORD = 'correct horse battery staple';

/** Exit status 2, nothing on stdout, exactly this one line on stderr. */
async function assertRefused(args: string[], line: string, input = `${PASSWORD}\n`): Promise<void> {
  const result = await run(args, { input });
  assert.equal(result.status, 2, result.stderr);
  assert.equal(result.stdout, '');
  assert.equal(result.stderr, `tollgate: ${line}\n`);
}

describe('scopes no registered API defines', () => {
  const data = dataDir();
  const d = ['--data', data];

  before(async () => {
    await ok(['apis', 'add', API, '--scopes', 'read:data write:data', ...d]);
    await ok(['users', 'add', 'alice', '--password-stdin', '--scopes', 'read:data', ...d], { input: PASSWORD });
  });

  it('users add refuses them, listing every unknown one', () =>
    assertRefused(
      ['users', 'add', 'bob', '--password-stdin', '--scopes', 'read:data reed:data admin', ...d],
      'scopes: "reed:data", "admin" are not defined by any registered API',
    ));

  it('users set refuses them and leaves the user as it was', async () => {
    await assertRefused(
      ['users', 'set', 'alice', '--scopes', 'write:date', ...d],
      'scopes: "write:date" is not defined by any registered API',
    );
    const users = await okJson<Array<{ username: string; scopes: string[] }>>(['users', 'list', ...d]);
    assert.deepEqual(users.find((user) => user.username === 'alice')?.scopes, ['read:data']);
  });

  it('clients add refuses them', () =>
    assertRefused(
      ['clients', 'add', 'svc', '--scopes', 'read:everything', ...d],
      'scopes: "read:everything" is not defined by any registered API',
    ));

  it('a comma-separated --scopes is refused with a hint to use spaces', async () => {
    for (const args of [
      ['users', 'add', 'carol', '--password-stdin', '--scopes', 'read:data,write:data', ...d],
      ['clients', 'add', 'svc', '--scopes', 'read:data,write:data', ...d],
    ]) {
      await assertRefused(
        args,
        `option '--scopes <scopes>' argument 'read:data,write:data' is invalid. separate scopes with spaces, not commas: --scopes "read:data write:data"`,
      );
    }
    const users = await okJson<Array<{ username: string }>>(['users', 'list', ...d]);
    assert.deepEqual(
      users.map((user) => user.username),
      ['alice'],
    );
  });
});
