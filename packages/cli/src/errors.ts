/**
 * The CLI's exit-status contract, which scripts rely on:
 * 0 success; 2 bad usage (unknown option, missing or invalid argument, invalid configuration, a value
 * the core refused as invalid); 1 anything else (name taken, not found, I/O). Always one line on
 * stderr, `tollgate: <message>`, never a stack trace.
 */
import { Conflict, InvalidRequest, NotFound, TollgateError } from '@tollgate/core';
import { ConfigError, EncryptionKeyError, NoTollgateDataError } from '@tollgate/server/bootstrap';
import { CommanderError } from 'commander';

export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** A mistake in how the command was called. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface Failure {
  exitCode: number;
  message: string;
}

export function describeFailure(error: unknown): Failure {
  if (error instanceof CommanderError) {
    // Commander's own text, without its "error: " prefix and on one line (suggestions come on a second).
    return { exitCode: EXIT_USAGE, message: oneLine(error.message.replace(/^error: /, '')) };
  }
  // No data where the command looked, or no key for it: a question of which directory, database or key was given.
  if (
    error instanceof UsageError ||
    error instanceof ConfigError ||
    error instanceof NoTollgateDataError ||
    error instanceof EncryptionKeyError
  ) {
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

function oneLine(text: string): string {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .join(' ');
}
