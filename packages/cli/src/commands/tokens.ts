/**
 * `tollgate tokens create|list|regenerate|update|revoke`: long-lived API tokens for a user or a client (a service
 * account). Everything goes through the operator's management operations, so each change is authorised and
 * audited exactly as the admin API's; a revocation reaches running servers' revocation stream through the store.
 */
import type { ApiTokenInput, ApiTokenView, CreatedApiToken } from '@tollgate/core';
import { type Command, Option } from 'commander';
import { collectWords, parseExpiry, parseMetadata, parseTtl } from '../arguments.js';
import { type Cli, configFor, type GlobalOptions, withOperator } from '../context.js';
import { UsageError } from '../usage.js';
import { formatList, formatTime, printJson, printLines, printTable } from '../output.js';
import { addQuotaOptions, type QuotaOptions, quotaChanges, quotaLines } from './token-quotas.js';
import { ownerDataLines, registerUpdate } from './token-update.js';

interface OwnerOptions {
  user?: string;
  client?: string;
}

interface CreateOptions extends GlobalOptions, OwnerOptions, QuotaOptions {
  name: string;
  api: string[];
  scope: string[];
  /** Undefined leaves the configured default (90 days). */
  expires?: number | 'never';
  metadata?: Record<string, string | number | boolean>;
  externalId?: string;
  dpopJkt?: string;
}

interface RegenerateOptions extends GlobalOptions {
  /** Seconds the old secret keeps working. */
  grace?: number;
}

type ListOptions = GlobalOptions & OwnerOptions;

function ownerOf(options: OwnerOptions): NonNullable<ApiTokenInput['owner']> {
  if (options.user !== undefined) return { kind: 'user', username: options.user };
  if (options.client !== undefined) return { kind: 'client', clientId: options.client };
  throw new UsageError('name the token owner with --user <username> or --client <clientId>');
}

function inputOf(options: CreateOptions): ApiTokenInput {
  const owner = ownerOf(options);
  if (options.api.length === 0) throw new UsageError('name at least one API with --api <identifier>');
  if (options.scope.length === 0) throw new UsageError('name at least one scope with --scope <scope>');
  const input: ApiTokenInput = { name: options.name, apis: options.api, scopes: options.scope, owner };
  if (options.expires !== undefined) input.expiresInSeconds = options.expires === 'never' ? null : options.expires;
  if (options.metadata !== undefined) input.metadata = options.metadata;
  if (options.externalId !== undefined) input.externalId = options.externalId;
  if (options.dpopJkt !== undefined) input.dpopJkt = options.dpopJkt;
  return { ...input, ...quotaChanges(options) };
}

function ownerLabel(token: ApiTokenView): string {
  return token.owner.kind === 'user' ? `user ${token.owner.name}` : `client ${token.owner.name} (${token.owner.id})`;
}

function expiryLabel(token: ApiTokenView): string {
  if (token.expiresAt === null) return 'never';
  return `${token.expired ? 'expired ' : ''}${formatTime(token.expiresAt)}`;
}

function printCreated(cli: Cli, verb: string, created: CreatedApiToken): void {
  const { token } = created;
  printLines(
    cli,
    `${verb} API token ${token.name} (${token.id})`,
    `  owner:   ${ownerLabel(token)}`,
    `  apis:    ${formatList(token.apis)}`,
    `  scopes:  ${formatList(token.scopes, '(none)')}`,
    `  expires: ${expiryLabel(token)}`,
    ...ownerDataLines(token),
    ...quotaLines(token),
    '',
    `  ${created.secret}`,
    '',
    "The token is shown once and won't be shown again: store it now. Tollgate keeps only its SHA-256 hash.",
    'Send it as: Authorization: Bearer tg_...',
  );
}

function matchesOwner(token: ApiTokenView, options: OwnerOptions): boolean {
  if (options.user !== undefined) return token.owner.kind === 'user' && token.owner.name === options.user;
  if (options.client !== undefined) return token.owner.kind === 'client' && token.owner.id === options.client;
  return true;
}

function ownerOptions(what: string): Option[] {
  return [
    new Option('--user <username>', `${what} a user`).conflicts('client'),
    new Option('--client <clientId>', `${what} a client (a service account)`).conflicts('user'),
  ];
}

function registerCreate(tokens: Command, cli: Cli): void {
  const command = tokens
    .command('create')
    .description('create an API token and print its secret (shown once)')
    .requiredOption('--name <name>', 'a name for people to recognise it by');
  for (const option of ownerOptions('for')) command.addOption(option);
  command
    .option('--api <identifier>', 'an API it is for (repeatable; at least one)', collectWords, [])
    .option('--scope <scope>', 'a scope it carries (repeatable, or space-separated; at least one)', collectWords, [])
    .option(
      '--expires <duration>',
      'lifetime such as 12h, 30d or 90d, or "never" (default: management.apiTokenDefaultTtl, 90d)',
      parseExpiry,
    )
    .option('--metadata <json>', 'a JSON object passed to the APIs behind, e.g. \'{"plan":"pro"}\'', parseMetadata)
    .option('--external-id <id>', 'your id for whoever the token is for, e.g. a customer id')
    .option('--dpop-jkt <thumbprint>', "bind it to a DPoP key (RFC 9449): the key's RFC 7638 SHA-256 thumbprint");
  addQuotaOptions(command, false).action(async (_options: CreateOptions, self: Command) => {
    const options = self.optsWithGlobals<CreateOptions>();
    const input = inputOf(options);
    if (input.expiresInSeconds === null && !(await configFor(cli, options)).management.allowNeverExpiringApiTokens) {
      throw new UsageError(
        '--expires never is not allowed here: set management.allowNeverExpiringApiTokens (or TOLLGATE_ALLOW_NEVER_EXPIRING_API_TOKENS=true) for the server and the CLI',
      );
    }
    const created = await withOperator(cli, options, (operations) => operations.tokens.create(input));
    if (options.json) return printJson(cli, created);
    printCreated(cli, 'Created', created);
  });
}

function registerList(tokens: Command, cli: Cli): void {
  const command = tokens.command('list').description('list API tokens (all of them unless an owner is named)');
  for (const option of ownerOptions('only those of')) command.addOption(option);
  command.action(async (_options: ListOptions, self: Command) => {
    const options = self.optsWithGlobals<ListOptions>();
    const all = await withOperator(cli, options, (operations) => operations.tokens.list({ all: true }));
    const list = all.filter((token) => matchesOwner(token, options));
    if (options.json) return printJson(cli, list);
    if (list.length === 0) {
      return printLines(
        cli,
        'No API tokens. Create one: tollgate tokens create --user <username> --name <name> --api <id>',
      );
    }
    printTable(
      cli,
      ['ID', 'NAME', 'OWNER', 'EXPIRES', 'LAST USED', 'REQUESTS', 'APIS', 'SCOPES'],
      list.map((token) => [
        token.id,
        token.name,
        ownerLabel(token),
        expiryLabel(token),
        token.lastUsedAt === null ? 'never' : formatTime(token.lastUsedAt),
        String(token.requestCount),
        formatList(token.apis),
        formatList(token.scopes),
      ]),
    );
  });
}

export function registerTokenCommands(program: Command, cli: Cli): void {
  const tokens = program.command('tokens').description('manage API tokens (long-lived bearer tokens, tg_...)');
  registerCreate(tokens, cli);
  registerList(tokens, cli);

  tokens
    .command('regenerate')
    .description(
      "replace a token's secret (the new one is shown once); the old one stops working at once, or after --grace",
    )
    .argument('<id>', 'the token id')
    .option('--grace <duration>', 'keep the old secret working this long, such as 1h or 7d (at most 7 days)', parseTtl)
    .action(async (id: string, _options: RegenerateOptions, self: Command) => {
      const options = self.optsWithGlobals<RegenerateOptions>();
      const grace = options.grace === undefined ? {} : { graceSeconds: options.grace };
      const created = await withOperator(cli, options, (operations) => operations.tokens.regenerate(id, grace));
      if (options.json) return printJson(cli, created);
      printCreated(cli, 'Regenerated', created);
    });

  registerUpdate(tokens, cli);

  tokens
    .command('revoke')
    .description('revoke a token; running servers and verifiers refuse it within a second')
    .argument('<id>', 'the token id')
    .action(async (id: string, _options: GlobalOptions, self: Command) => {
      const options = self.optsWithGlobals<GlobalOptions>();
      await withOperator(cli, options, (operations) => operations.tokens.revoke(id));
      if (options.json) return printJson(cli, { revoked: true, id });
      printLines(cli, `Revoked API token ${id}`);
    });
}
