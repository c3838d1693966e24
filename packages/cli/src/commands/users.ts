/** `tollgate users add|list|set|remove`: the people who log in with a username and password. */
import type { ActorOperations, UserView } from '@tollgate/core';
import { type Command, Option } from 'commander';
import { parseScopes } from '../arguments.js';
import { type Cli, type GlobalOptions, configFor, loadData, withOperator } from '../context.js';
import { formatList, formatTime, printJson, printLines, printTable } from '../output.js';
import { UsageError } from '../usage.js';
import { promptNewPassword, readPasswordFromStdin } from '../prompt.js';

/** The stable `--json` shape of a user (never a password hash). */
export function userJson(user: UserView) {
  return {
    id: user.id,
    username: user.username,
    scopes: user.scopes,
    disabled: user.disabled,
    is_admin: user.isAdmin,
    created_at: user.createdAt,
  };
}

interface AddOptions extends GlobalOptions {
  scopes: string[];
  passwordStdin?: boolean;
  admin?: boolean;
}

interface SetOptions extends GlobalOptions {
  scopes?: string[];
  admin?: boolean;
  disable?: boolean;
  enable?: boolean;
}

function changesOf(options: SetOptions): { scopes?: string[]; disabled?: boolean; isAdmin?: boolean } {
  const changes: { scopes?: string[]; disabled?: boolean; isAdmin?: boolean } = {};
  if (options.scopes !== undefined) changes.scopes = options.scopes;
  if (options.admin !== undefined) changes.isAdmin = options.admin;
  if (options.disable) changes.disabled = true;
  if (options.enable) changes.disabled = false;
  if (Object.keys(changes).length === 0) {
    throw new UsageError('nothing to change: give --admin, --no-admin, --disable, --enable or --scopes');
  }
  return changes;
}

/** The CLI names users by username; the management operations by id. */
async function findUser(operations: ActorOperations, username: string): Promise<UserView> {
  const found = (await operations.users.list()).find((candidate) => candidate.username === username);
  if (found === undefined) {
    const { NotFound } = await loadData();
    throw new NotFound(`No user named ${username}`);
  }
  return found;
}

export function registerUserCommands(program: Command, cli: Cli): void {
  const users = program.command('users').description('manage users who log in with a password');

  users
    .command('add')
    .description('add a user; without --password-stdin, prompts for the password twice')
    .argument('<username>', 'the login name')
    .option('--scopes <scopes>', 'space-separated scopes the user may be granted', parseScopes, [])
    .option('--password-stdin', 'read the password from stdin (one line)')
    .option('--admin', 'may sign in to the dashboard as an administrator')
    .action(async (username: string, _options: AddOptions, command: Command) => {
      const options = command.optsWithGlobals<AddOptions>();
      await configFor(cli, options); // a configuration mistake is reported before anyone types a password
      // The store is opened only after the password is read: nothing is held open while a person types.
      const password = options.passwordStdin
        ? await readPasswordFromStdin(cli.stdin)
        : await promptNewPassword(cli.stdin, cli.stderr);
      // Through the operator's operations, so the new user (an admin above all) is in the audit log.
      const user = await withOperator(cli, options, (operations) =>
        operations.users.create({ username, password, scopes: options.scopes, isAdmin: options.admin === true }),
      );
      if (options.json) return printJson(cli, userJson(user));
      printLines(
        cli,
        `Added ${user.isAdmin ? 'admin ' : ''}user ${user.username} (${user.id})`,
        `  scopes: ${formatList(user.scopes, '(none)')}`,
      );
    });

  users
    .command('list')
    .description('list users')
    .action(async (_options: GlobalOptions, command: Command) => {
      const options = command.optsWithGlobals<GlobalOptions>();
      const list = await withOperator(cli, options, (operations) => operations.users.list());
      if (options.json) return printJson(cli, list.map(userJson));
      if (list.length === 0)
        return printLines(cli, 'No users yet. Add one: tollgate users add <username> --scopes "read:data"');
      printTable(
        cli,
        ['USERNAME', 'ID', 'CREATED', 'SCOPES'],
        list.map((user) => [
          `${user.username}${user.isAdmin ? ' (admin)' : ''}${user.disabled ? ' (disabled)' : ''}`,
          user.id,
          formatTime(user.createdAt),
          formatList(user.scopes),
        ]),
      );
    });

  users
    .command('set')
    .description('change a user: admin or not, disabled or not (signs them out everywhere), scopes')
    .argument('<username>', 'the login name')
    .option('--admin', 'make the user an administrator')
    .option('--no-admin', 'take administrator rights away')
    .addOption(new Option('--disable', "refuse sign-in and the user's API tokens").conflicts('enable'))
    .addOption(new Option('--enable', 'undo --disable').conflicts('disable'))
    .option('--scopes <scopes>', 'replace the scopes the user may be granted', parseScopes)
    .action(async (username: string, _options: SetOptions, command: Command) => {
      const options = command.optsWithGlobals<SetOptions>();
      const changes = changesOf(options);
      const user = await withOperator(cli, options, async (operations) =>
        operations.users.update((await findUser(operations, username)).id, changes),
      );
      if (options.json) return printJson(cli, userJson(user));
      printLines(
        cli,
        `Updated user ${user.username} (${user.id})`,
        `  admin:    ${user.isAdmin ? 'yes' : 'no'}`,
        `  disabled: ${user.disabled ? 'yes' : 'no'}`,
        `  scopes:   ${formatList(user.scopes, '(none)')}`,
      );
    });

  users
    .command('remove')
    .description('remove a user: signs them out everywhere and revokes their API tokens')
    .argument('<username>', 'the login name')
    .action(async (username: string, _options: GlobalOptions, command: Command) => {
      const options = command.optsWithGlobals<GlobalOptions>();
      await withOperator(cli, options, async (operations) =>
        operations.users.remove((await findUser(operations, username)).id),
      );
      if (options.json) return printJson(cli, { removed: true, username });
      printLines(cli, `Removed user ${username}`);
    });
}
