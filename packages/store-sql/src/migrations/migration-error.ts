/** Startup failure for operators: names the migration that failed; the driver's error is the `cause`. */
export class MigrationError extends Error {
  readonly migrationName: string | undefined;
  constructor(message: string, migrationName: string | undefined, cause: unknown) {
    super(message, { cause });
    this.name = 'MigrationError';
    this.migrationName = migrationName;
  }
}
