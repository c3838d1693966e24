/**
 * `--credits`, `--refill` and `--rate-limit` of `tollgate tokens create|update`: parsed here into the management
 * input; the values' bounds, and that a refill needs credits, are the core's (management/api-token-quotas.ts).
 */
import type { ApiTokenChanges, ApiTokenView } from '@tollgate/core';
import { type Command, InvalidArgumentError } from 'commander';
import { parseTtl } from '../arguments.js';
import { formatTime } from '../output.js';
import { UsageError } from '../usage.js';

export interface QuotaOptions {
  credits?: number;
  refill?: { amount: number; interval: 'day' | 'month' };
  rateLimit?: { requests: number; windowSeconds: number };
  /** update only */
  unlimited?: boolean;
  clearRateLimit?: boolean;
}

function wholeNumber(value: string, what: string): number {
  if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError(`${what} must be a whole number`);
  return Number(value);
}

/** `--refill 100/day` or `--refill 5000/month`. */
export function parseRefill(value: string): { amount: number; interval: 'day' | 'month' } {
  const [amount, interval, ...rest] = value.split('/');
  if (amount === undefined || rest.length > 0 || (interval !== 'day' && interval !== 'month')) {
    throw new InvalidArgumentError('use <amount>/day or <amount>/month, e.g. 100/day');
  }
  return { amount: wholeNumber(amount, 'the refill amount'), interval };
}

/** `--rate-limit 10/60s` (or 10/1m, 600/1h): requests per window. */
export function parseRateLimit(value: string): { requests: number; windowSeconds: number } {
  const [requests, window, ...rest] = value.split('/');
  if (requests === undefined || window === undefined || rest.length > 0) {
    throw new InvalidArgumentError('use <requests>/<window>, e.g. 10/60s');
  }
  return { requests: wholeNumber(requests, 'the request count'), windowSeconds: parseTtl(window) };
}

export function addQuotaOptions(command: Command, forUpdate: boolean): Command {
  command
    .option(
      '--credits <n>',
      `credits left${forUpdate ? ' (SET to this)' : ''}; each request spends its route cost`,
      (v) => wholeNumber(v, '--credits'),
    )
    .option(
      '--refill <amount/interval>',
      'set the credits back to <amount> each UTC day or month, e.g. 100/day',
      parseRefill,
    )
    .option('--rate-limit <requests/window>', "the token's own rate limit, e.g. 10/60s", parseRateLimit);
  if (forUpdate) {
    command
      .option('--unlimited', 'remove the credits: the token is no longer metered')
      .option('--clear-rate-limit', "remove the token's own rate limit");
  }
  return command;
}

/** The quota part of a create input or an update; {} when none is given. */
export function quotaChanges(options: QuotaOptions): Pick<ApiTokenChanges, 'credits' | 'rateLimit'> {
  const changes: Pick<ApiTokenChanges, 'credits' | 'rateLimit'> = {};
  if (options.unlimited === true && (options.credits !== undefined || options.refill !== undefined)) {
    throw new UsageError('give --unlimited or --credits/--refill, not both');
  }
  if (options.clearRateLimit === true && options.rateLimit !== undefined) {
    throw new UsageError('give --rate-limit or --clear-rate-limit, not both');
  }
  // A refill alone goes on as it is: the core refuses it, naming the rule (a refill needs credits).
  if (options.credits !== undefined || options.refill !== undefined) {
    changes.credits = { remaining: options.credits, refill: options.refill ?? null };
  }
  if (options.unlimited === true) changes.credits = null;
  if (options.rateLimit !== undefined) changes.rateLimit = options.rateLimit;
  if (options.clearRateLimit === true) changes.rateLimit = null;
  return changes;
}

/** The lines a token's printout gains for its quotas. */
export function quotaLines(token: ApiTokenView): string[] {
  const lines: string[] = [];
  const { credits, rateLimit } = token;
  if (credits !== null) {
    const refill =
      credits.refill === null || credits.refillsAt === null
        ? 'never refilled'
        : `refilled to ${credits.refill.amount} each ${credits.refill.interval}, next ${formatTime(credits.refillsAt)}`;
    lines.push(`  credits: ${credits.remaining} left, ${refill}`);
  }
  if (rateLimit !== null) lines.push(`  rate limit: ${rateLimit.requests} requests per ${rateLimit.windowSeconds}s`);
  return lines;
}
