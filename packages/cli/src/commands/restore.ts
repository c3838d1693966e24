/** `tollgate restore [file]`: its options; the work (actions/restore.ts) and the store are loaded when it runs. */
import type { Command } from 'commander';
import type { RestoreOptions } from '../actions/restore.js';
import type { Cli } from '../context.js';

export function registerRestoreCommand(program: Command, cli: Cli): void {
  program
    .command('restore')
    .description('replace the SQLite database with a backup (servers stopped); on PostgreSQL, see --epoch-only')
    .argument('[file]', 'a file written by tollgate backup')
    .option('--epoch-only', 'after a pg_restore: start a new revocation epoch so every verifier resyncs')
    .action(async (file: string | undefined, _options: RestoreOptions, command: Command) => {
      const { restore } = await import('../actions/restore.js');
      await restore(cli, file, command.optsWithGlobals<RestoreOptions>());
    });
}
