/**
 * The `tollgate` command: wiring and the exit-status contract. Commander's own output is silenced so
 * every usage error becomes exactly one line, `tollgate: <message>`, with exit status 2.
 */
import { Command, CommanderError } from 'commander';
import { registerApiCommands } from './commands/apis.js';
import { registerBackupCommand } from './commands/backup.js';
import { registerClientCommands } from './commands/clients.js';
import { registerDemoCommand } from './commands/demo.js';
import { registerGatewayCommand } from './commands/gateway.js';
import { registerKeyCommands } from './commands/keys.js';
import { registerMigrateCommand } from './commands/migrate.js';
import { registerRestoreCommand } from './commands/restore.js';
import { registerStartCommand } from './commands/start.js';
import { registerTokenCommands } from './commands/tokens.js';
import { registerUserCommands } from './commands/users.js';
import { registerWebhookCommands } from './commands/webhooks.js';
import type { Cli } from './context.js';
import { PromptInterrupted } from './prompt.js';
import { type Failure, UsageError, describeUsageFailure } from './usage.js';

export const VERSION = '0.1.0';

export function buildProgram(cli: Cli): Command {
  const program = new Command('tollgate')
    .description('Tollgate: an OAuth 2.0 authorization server that issues bearer tokens for your APIs')
    .version(VERSION, '-V, --version')
    .option('--data <dir>', 'data directory (default: ./tollgate-data, or TOLLGATE_DATA)')
    .option('--database <url-or-path>', 'postgres:// URL or SQLite file (default: <data>/tollgate.db, or DATABASE_URL)')
    .option('--config <file>', 'YAML or JSON config file')
    .option('--json', 'machine-readable JSON on stdout')
    .configureHelp({ showGlobalOptions: true })
    .configureOutput({
      writeOut: (text) => cli.stdout.write(text),
      // Errors are printed once, by runCli, as a single line.
      writeErr: () => {},
      outputError: () => {},
    })
    .exitOverride();
  registerStartCommand(program, cli);
  registerMigrateCommand(program, cli);
  registerBackupCommand(program, cli);
  registerRestoreCommand(program, cli);
  registerApiCommands(program, cli);
  registerUserCommands(program, cli);
  registerClientCommands(program, cli);
  registerKeyCommands(program, cli);
  registerTokenCommands(program, cli);
  registerWebhookCommands(program, cli);
  registerGatewayCommand(program, cli);
  registerDemoCommand(program, cli);
  return program;
}

/** Runs the command line and returns the exit status (`start` returns once the server is listening). */
export async function runCli(argv: readonly string[], cli: Cli): Promise<number> {
  const program = buildProgram(cli);
  let group: Command | undefined;
  program.hook('preSubcommand', (_program, subcommand) => {
    group = subcommand;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError && error.exitCode === 0) return 0;
    if (error instanceof PromptInterrupted) return 130;
    const failure = await describe(missingCommand(error, group) ?? error);
    cli.stderr.write(`tollgate: ${failure.message}\n`);
    return failure.exitCode;
  }
}

/**
 * A mistake on the command line is described without loading anything; any other error comes from the
 * configuration, the store or the core, which are loaded by then, so describing it loads little more.
 */
async function describe(error: unknown): Promise<Failure> {
  return describeUsageFailure(error) ?? (await import('./errors.js')).describeFailure(error);
}

/** Commander answers a bare `tollgate` or `tollgate apis` with its help on stderr; say what is missing instead. */
function missingCommand(error: unknown, group: Command | undefined): UsageError | undefined {
  if (!(error instanceof CommanderError) || error.code !== 'commander.help') return undefined;
  const names = (group?.commands ?? []).map((command) => command.name());
  if (group && names.length > 0) {
    return new UsageError(
      `missing command: tollgate ${group.name()} ${names.join('|')} (see tollgate ${group.name()} --help)`,
    );
  }
  return new UsageError('missing command (see tollgate --help)');
}
