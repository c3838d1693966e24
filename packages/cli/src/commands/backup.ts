/** `tollgate backup <file>`: its options; the work (actions/backup.ts) and the store are loaded when it runs. */
import type { Command } from 'commander';
import type { BackupOptions } from '../actions/backup.js';
import type { Cli } from '../context.js';

export function registerBackupCommand(program: Command, cli: Cli): void {
  program
    .command('backup')
    .description('write a consistent copy of the database to <file> (SQLite; prints the pg_dump command on PostgreSQL)')
    .argument('<file>', 'where to write the backup (replaced atomically, mode 0600)')
    .option('--include-key', 'also write the encryption key to <file>.key (0600): whoever holds both can mint tokens')
    .action(async (file: string, _options: BackupOptions, command: Command) => {
      const { backup } = await import('../actions/backup.js');
      await backup(cli, file, command.optsWithGlobals<BackupOptions>());
    });
}
