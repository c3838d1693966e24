/**
 * `tollgate migrate`: brings the database schema up to date and says what it did. Run it before starting
 * a new version with `--no-migrate` (or TOLLGATE_AUTO_MIGRATE=false), e.g. once per deployment rather
 * than from every node. Safe to run while servers are up and from several places at once: on PostgreSQL
 * migrations are serialised by an advisory lock, on SQLite by the write lock.
 */
import type { Command } from 'commander';
import { type Cli, type GlobalOptions, configFor, loadData } from '../context.js';
import { printJson, printLines } from '../output.js';

export function registerMigrateCommand(program: Command, cli: Cli): void {
  program
    .command('migrate')
    .description('apply pending database migrations (tollgate start does this itself unless --no-migrate)')
    .action(async (_options: GlobalOptions, command: Command) => {
      const options = command.optsWithGlobals<GlobalOptions>();
      const config = await configFor(cli, options);
      const { openStoreAsIs, redactDatabaseLocation } = await loadData();
      const store = await openStoreAsIs(config);
      let applied: string[];
      try {
        applied = await store.migrate();
      } finally {
        await store.close();
      }
      const database = redactDatabaseLocation(config.database);
      if (options.json) return printJson(cli, { database, applied });
      if (applied.length === 0) return printLines(cli, `The database at ${database} is up to date.`);
      printLines(
        cli,
        `Applied ${applied.length} migration${applied.length === 1 ? '' : 's'} to ${database}:`,
        ...applied.map((name) => `  ${name}`),
      );
    });
}
