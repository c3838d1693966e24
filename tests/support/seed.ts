/** Seeding through the real CLI (`tollgate apis|users|clients add ... --json`) against a running server. */
import assert from 'node:assert/strict';
import type { ClientCredentials } from './http.js';
import type { CliOptions, TollgateProcess } from './tollgate.js';

export const USER_API = 'https://api.example.com/user';
export const ADMIN_API = 'https://api.example.com/admin';
export const USER_API_SCOPES = ['read:data', 'write:data', 'profile'];
export const ADMIN_API_SCOPES = ['admin:read', 'admin:write'];

/** Runs the CLI and insists on exit status 0, showing its output otherwise. */
export async function cliOk(
  server: TollgateProcess,
  args: readonly string[],
  options: CliOptions = {},
): Promise<string> {
  const result = await server.cli(args, options);
  assert.equal(
    result.status,
    0,
    `tollgate ${args.join(' ')} exited ${result.status}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`,
  );
  return result.stdout;
}

export async function cliJson(
  server: TollgateProcess,
  args: readonly string[],
  options: CliOptions = {},
): Promise<unknown> {
  const stdout = await cliOk(server, args, { ...options, json: true });
  try {
    return JSON.parse(stdout);
  } catch {
    assert.fail(`tollgate ${args.join(' ')} --json printed no JSON:\n${stdout}`);
  }
}

export async function addApi(
  server: TollgateProcess,
  identifier: string,
  scopes: readonly string[],
  options: { isDefault?: boolean; tokenTtl?: string } = {},
): Promise<void> {
  const args = ['apis', 'add', identifier, '--scopes', scopes.join(' ')];
  if (options.isDefault) args.push('--default');
  if (options.tokenTtl !== undefined) args.push('--token-ttl', options.tokenTtl);
  await cliJson(server, args);
}

/** The password goes in on stdin, the way a script pipes it (`echo "$PASSWORD" | tollgate users add ...`). */
export async function addUser(
  server: TollgateProcess,
  username: string,
  password: string,
  scopes: readonly string[],
): Promise<void> {
  await cliJson(server, ['users', 'add', username, '--password-stdin', '--scopes', scopes.join(' ')], {
    stdin: `${password}\n`,
  });
}

export interface ClientSpec {
  scopes: readonly string[];
  apis?: readonly string[];
  grants?: readonly string[];
}

export async function addClient(server: TollgateProcess, name: string, spec: ClientSpec): Promise<ClientCredentials> {
  const args = ['clients', 'add', name, '--scopes', spec.scopes.join(' ')];
  if (spec.apis !== undefined) args.push('--apis', spec.apis.join(','));
  if (spec.grants !== undefined) args.push('--grants', spec.grants.join(' '));
  const created = (await cliJson(server, args)) as Record<string, unknown>;
  assert.equal(
    typeof created.client_id,
    'string',
    `clients add --json printed no client_id: ${JSON.stringify(created)}`,
  );
  assert.equal(typeof created.client_secret, 'string', 'clients add --json printed no client_secret');
  return { clientId: created.client_id as string, clientSecret: created.client_secret as string };
}

export interface StandardSeed {
  user: { username: string; password: string };
  /** client_credentials, password and refresh_token; both APIs. */
  backend: ClientCredentials;
}

/**
 * The fixture most files share: the default API `/user`, a second API `/admin`, a user allowed
 * `read:data write:data`, and a confidential client allowed every grant on both APIs.
 */
export async function seedStandard(server: TollgateProcess): Promise<StandardSeed> {
  // The default API comes first: `apis add` makes an API the default when it sees none, so an ADMIN_API
  // added at the same time would also claim it. Users and clients come after the APIs that define their
  // scopes (a scope no API defines is refused); the second API and the user are independent CLI
  // processes side by side, and concurrent writers to one database are part of the contract anyway.
  const user = { username: 'alice', password: 'correct horse battery staple' };
  await addApi(server, USER_API, USER_API_SCOPES, { isDefault: true });
  await Promise.all([
    addApi(server, ADMIN_API, ADMIN_API_SCOPES),
    addUser(server, user.username, user.password, ['read:data', 'write:data']),
  ]);
  const backend = await addClient(server, 'backend', {
    scopes: ['read:data', 'write:data', 'admin:read'],
    apis: [USER_API, ADMIN_API],
    grants: ['client_credentials', 'password', 'refresh_token'],
  });
  return { user, backend };
}
