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
    const message = oneLine(error.message.replace(/^error: /, ''));
    return { exitCode: EXIT_USAGE, message: looksLikeValue(error) ? `${message}; ${VALUE_AFTER_DASHES}` : message };
  }
  if (error instanceof UsageError) return { exitCode: EXIT_USAGE, message: oneLine(error.message) };
  return undefined;
}

/**
 * Key ids are base64url, so one in 64 starts with '-', and commander reads it as an option. `--` ends the options
 * (POSIX utility syntax guideline 10); say so when the "option" cannot have been meant as one.
 */
const VALUE_AFTER_DASHES =
  "a value that starts with '-' (a key id, say) goes after `--`, e.g. tollgate keys retire -- <kid>";

function looksLikeValue(error: CommanderError): boolean {
  return error.code === 'commander.unknownOption' && /'-[^-][^']+'/.test(error.message);
}

export function oneLine(text: string): string {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .join(' ');
}
