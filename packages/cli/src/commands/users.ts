/** `tollgate users add|list|remove`: the people who log in with a username and password. */
import type { PublicUser } from '@tollgate/core';
import type { Command } from 'commander';
import { parseScopes } from '../arguments.js';
import { type Cli, type GlobalOptions, configFor, withTollgate } from '../context.js';
import { formatList, formatTime, printJson, printLines, printTable } from '../output.js';
import { promptNewPassword, readPasswordFromStdin } from '../prompt.js';

/** The stable `--json` shape of a user (never a password hash). */
export function userJson(user: PublicUser) {
  return {
    id: user.id,
    username: user.username,
    scopes: user.scopes,
    disabled: user.disabled,
    created_at: user.createdAt,
  };
}

interface AddOptions extends GlobalOptions {
  scopes: string[];
  passwordStdin?: boolean;
}

export function registerUserCommands(program: Command, cli: Cli): void {
  const users = program.command('users').description('manage users who log in with a password');

  users
    .command('add')
    .description('add a user; without --password-stdin, prompts for the password twice')
    .argument('<username>', 'the login name')
    .option('--scopes <scopes>', 'space-separated scopes the user may be granted', parseScopes, [])
    .option('--password-stdin', 'read the password from stdin (one line)')
    .action(async (username: string, _options: AddOptions, command: Command) => {
      const options = command.optsWithGlobals<AddOptions>();
      configFor(cli, options); // a configuration mistake is reported before anyone types a password
      // The store is opened only after the password is read: nothing is held open while a person types.
      const password = options.passwordStdin
        ? await readPasswordFromStdin(cli.stdin)
        : await promptNewPassword(cli.stdin, cli.stderr);
      const user = await withTollgate(cli, options, (tollgate) =>
        tollgate.users.add({ username, password, scopes: options.scopes }),
      );
      if (options.json) return printJson(cli, userJson(user));
      printLines(cli, `Added user ${user.username} (${user.id})`, `  scopes: ${formatList(user.scopes, '(none)')}`);
    });

  users
    .command('list')
    .description('list users')
    .action(async (_options: GlobalOptions, command: Command) => {
      const options = command.optsWithGlobals<GlobalOptions>();
      const list = await withTollgate(cli, options, (tollgate) => tollgate.users.list());
      if (options.json) return printJson(cli, list.map(userJson));
      if (list.length === 0)
        return printLines(cli, 'No users yet. Add one: tollgate users add <username> --scopes "read:data"');
      printTable(
        cli,
        ['USERNAME', 'ID', 'CREATED', 'SCOPES'],
        list.map((user) => [
          user.disabled ? `${user.username} (disabled)` : user.username,
          user.id,
          formatTime(user.createdAt),
          formatList(user.scopes),
        ]),
      );
    });

  users
    .command('remove')
    .description('remove a user')
    .argument('<username>', 'the login name')
    .action(async (username: string, _options: GlobalOptions, command: Command) => {
      const options = command.optsWithGlobals<GlobalOptions>();
      await withTollgate(cli, options, (tollgate) => tollgate.users.remove(username));
      if (options.json) return printJson(cli, { removed: true, username });
      printLines(cli, `Removed user ${username}`);
    });
}
