/** `tollgate tokens update`: a token's metadata and external id, and how the token commands print them. */
import type { ApiTokenChanges, ApiTokenView } from '@tollgate/core';
import type { Command } from 'commander';
import { parseMetadata } from '../arguments.js';
import { type Cli, type GlobalOptions, withOperator } from '../context.js';
import { formatTime, printJson, printLines } from '../output.js';
import { UsageError } from '../usage.js';
import { addQuotaOptions, type QuotaOptions, quotaChanges, quotaLines } from './token-quotas.js';

interface UpdateOptions extends GlobalOptions, QuotaOptions {
  metadata?: Record<string, string | number | boolean>;
  externalId?: string;
  clearExternalId?: boolean;
}

/** The lines a token's printout gains for its metadata, external id and a previous secret still working. */
export function ownerDataLines(token: ApiTokenView): string[] {
  const lines: string[] = [];
  if (Object.keys(token.metadata).length > 0) lines.push(`  metadata: ${JSON.stringify(token.metadata)}`);
  if (token.externalId !== null) lines.push(`  external id: ${token.externalId}`);
  if (token.previousSecretExpiresAt !== null) {
    lines.push(`  old secret works until: ${formatTime(token.previousSecretExpiresAt)}`);
  }
  return lines;
}

function changesOf(options: UpdateOptions): ApiTokenChanges {
  if (options.externalId !== undefined && options.clearExternalId === true) {
    throw new UsageError('give --external-id or --clear-external-id, not both');
  }
  const changes: ApiTokenChanges = {};
  if (options.metadata !== undefined) changes.metadata = options.metadata;
  if (options.externalId !== undefined) changes.externalId = options.externalId;
  if (options.clearExternalId === true) changes.externalId = null;
  Object.assign(changes, quotaChanges(options));
  if (Object.keys(changes).length === 0) {
    throw new UsageError(
      'give what to change: --metadata <json>, --external-id <id>, --clear-external-id, --credits <n>, --refill <amount/interval>, --unlimited, --rate-limit <requests/window> or --clear-rate-limit',
    );
  }
  return changes;
}

export function registerUpdate(tokens: Command, cli: Cli): void {
  const command = tokens
    .command('update')
    .description("change a token's metadata (replaced as a whole), external id, credits or rate limit")
    .argument('<id>', 'the token id')
    .option('--metadata <json>', "the new metadata, a JSON object; '{}' clears it", parseMetadata)
    .option('--external-id <id>', 'the new external id')
    .option('--clear-external-id', 'remove the external id');
  addQuotaOptions(command, true).action(async (id: string, _options: UpdateOptions, self: Command) => {
    const options = self.optsWithGlobals<UpdateOptions>();
    const changes = changesOf(options);
    const token = await withOperator(cli, options, (operations) => operations.tokens.update(id, changes));
    if (options.json) return printJson(cli, token);
    printLines(cli, `Updated API token ${token.name} (${token.id})`, ...ownerDataLines(token), ...quotaLines(token));
  });
}
