/**
 * The CLI's exit-status contract, which scripts rely on:
 * 0 success; 2 bad usage (unknown option, missing or invalid argument, invalid configuration, a value
 * the core refused as invalid); 1 anything else (name taken, not found, I/O). Always one line on
 * stderr, `tollgate: <message>`, never a stack trace.
 *
 * This module describes the failures of the command line itself; errors.ts adds those of the configuration and
 * the core. Kept apart so a mistyped command is answered without loading either.
 */
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

/** Commander's own errors and UsageError; undefined for anything else. */
export function describeUsageFailure(error: unknown): Failure | undefined {
  if (error instanceof CommanderError) {
    // Commander's own text, without its "error: " prefix and on one line (suggestions come on a second).
    return { exitCode: EXIT_USAGE, message: oneLine(error.message.replace(/^error: /, '')) };
  }
  if (error instanceof UsageError) return { exitCode: EXIT_USAGE, message: oneLine(error.message) };
  return undefined;
}

export function oneLine(text: string): string {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .join(' ');
}
