/**
 * What every command shares: the global options, the process streams, and opening the data directory
 * the same way the server does (same config sources, same database file, same encryption key).
 * Each command opens the store itself (SQLite file or PostgreSQL), so it works while servers run on it.
 * The configuration, the stores and the core are loaded on first use (data.ts), not when the command line is
 * parsed, so the version, the help and usage errors are answered without them.
 */
import type { Readable } from 'node:stream';
import type { ActorOperations, Tollgate } from '@tollgate/core';
import type { ServerConfig } from '@tollgate/server/bootstrap';
import { type Streams, warn } from './output.js';

/** The configuration, the store and the core, loaded once, when a command first needs them. */
export function loadData(): Promise<typeof import('./data.js')> {
  return import('./data.js');
}

export interface GlobalOptions {
  data?: string;
  database?: string;
  config?: string;
  json?: boolean;
}

export interface Cli extends Streams {
  stdin: Readable & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };
  env: Readonly<Record<string, string | undefined>>;
}

export async function configFor(
  cli: Cli,
  options: GlobalOptions,
  flags: Record<string, string | undefined> = {},
): Promise<ServerConfig> {
  const { loadConfig } = await loadData();
  return loadConfig({
    configFile: options.config,
    env: cli.env,
    flags: { ...flags, data: options.data, database: options.database },
  });
}

/**
 * Opens the store and core, runs `action`, and closes the store whatever happens. Only an existing database is
 * opened: creating one is for `start`, `migrate` and `demo`, so a mistyped --data or a wrong directory is an error
 * rather than a new, empty Tollgate.
 */
export async function withTollgate<T>(
  cli: Cli,
  options: GlobalOptions,
  action: (tollgate: Tollgate) => Promise<T>,
): Promise<T> {
  const config = await configFor(cli, options);
  const { openTollgateFromConfig } = await loadData();
  const opened = await openTollgateFromConfig(config, {
    warn: (message) => warn(cli, message),
    warnOnlyWhenGenerated: true,
    existingOnly: true,
  });
  try {
    return await action(opened.tollgate);
  } finally {
    // The webhook events this command raised are queued in the store before it closes; the server sends them.
    await opened.tollgate.webhooksSettled();
    await opened.close();
  }
}

/**
 * The management operations as the operator (the CLI's actor: an admin, recorded as `cli` in the audit log),
 * for the commands that must be authorised and audited exactly as the admin API's are.
 */
export async function withOperator<T>(
  cli: Cli,
  options: GlobalOptions,
  action: (operations: ActorOperations) => Promise<T>,
): Promise<T> {
  const { OPERATOR } = await loadData();
  return withTollgate(cli, options, (tollgate) => action(tollgate.as(OPERATOR)));
}
