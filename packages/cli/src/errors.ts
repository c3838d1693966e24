/**
 * Every failure as exit status and one line (the contract is in usage.ts): the command line's own, then those of
 * the configuration, the data directory and the core.
 */
import { Conflict, InvalidRequest, NotFound, TollgateError } from '@tollgate/core';
import { ConfigError, EncryptionKeyError, NoTollgateDataError } from '@tollgate/server/bootstrap';
import { EXIT_FAILURE, EXIT_USAGE, type Failure, describeUsageFailure, oneLine } from './usage.js';

export { EXIT_FAILURE, EXIT_USAGE, type Failure, UsageError } from './usage.js';

export function describeFailure(error: unknown): Failure {
  const usage = describeUsageFailure(error);
  if (usage !== undefined) return usage;
  // No data where the command looked, or no key for it: a question of which directory, database or key was given.
  if (error instanceof ConfigError || error instanceof NoTollgateDataError || error instanceof EncryptionKeyError) {
    return { exitCode: EXIT_USAGE, message: oneLine(error.message) };
  }
  if (error instanceof InvalidRequest) return { exitCode: EXIT_USAGE, message: oneLine(error.description) };
  if (error instanceof Conflict || error instanceof NotFound || error instanceof TollgateError) {
    return { exitCode: EXIT_FAILURE, message: oneLine(error.description) };
  }
  // Someone else's error: its first line only, so nothing resembling a stack trace gets through.
  const message = error instanceof Error ? error.message : String(error);
  const firstLine = message
    .split('\n')
    .find((line) => line.trim() !== '')
    ?.trim();
  return { exitCode: EXIT_FAILURE, message: firstLine ?? 'unexpected error' };
}
