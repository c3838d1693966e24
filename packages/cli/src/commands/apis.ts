/** `tollgate apis add|list|remove`: the APIs (resource servers) tokens are issued for. */
import type { ApiView, DpopPolicy } from '@tollgate/core';
import { formatDuration } from '@tollgate/server/values';
import type { Command } from 'commander';
import { parseScopes, parseTtl } from '../arguments.js';
import { type Cli, type GlobalOptions, withOperator } from '../context.js';
import { formatList, formatTime, printJson, printLines, printTable } from '../output.js';

/** The stable `--json` shape of an API. */
export function apiJson(api: ApiView) {
  return {
    identifier: api.identifier,
    scopes: api.scopes,
    default: api.isDefault,
    token_ttl_seconds: api.tokenTtlSeconds,
    dpop: api.dpop,
    created_at: api.createdAt,
  };
}

interface AddOptions extends GlobalOptions {
  scopes: string[];
  default?: boolean;
  tokenTtl?: number;
  dpop?: DpopPolicy;
}

export function registerApiCommands(program: Command, cli: Cli): void {
  const apis = program.command('apis').description('manage the APIs (resource servers) tokens are issued for');

  apis
    .command('add')
    .description('register an API; its identifier becomes the aud of its tokens')
    .argument('<identifier>', 'absolute URI, e.g. https://api.example.com')
    .option('--scopes <scopes>', 'space-separated scopes the API defines', parseScopes, [])
    .option('--default', 'make it the API for token requests that name no resource')
    .option('--token-ttl <duration>', 'access-token lifetime for this API, e.g. 15m', parseTtl)
    // Core checks the value (one rule for every surface); importing its list here would load core for --version.
    .option('--dpop <policy>', 'required: issue only DPoP-bound tokens for it (RFC 9449); default allowed')
    .action(async (identifier: string, _options: AddOptions, command: Command) => {
      const options = command.optsWithGlobals<AddOptions>();
      const api = await withOperator(cli, options, (operations) =>
        operations.apis.create({
          identifier,
          scopes: options.scopes,
          isDefault: options.default === true,
          ...(options.tokenTtl === undefined ? {} : { tokenTtlSeconds: options.tokenTtl }),
          ...(options.dpop === undefined ? {} : { dpop: options.dpop }),
        }),
      );
      if (options.json) return printJson(cli, apiJson(api));
      printLines(
        cli,
        `Added API ${api.identifier}`,
        `  scopes:         ${formatList(api.scopes, '(none)')}`,
        `  token lifetime: ${formatDuration(api.tokenTtlSeconds)}`,
        `  default:        ${api.isDefault ? 'yes' : 'no'}`,
        `  DPoP:           ${api.dpop}`,
      );
    });

  apis
    .command('list')
    .description('list the registered APIs')
    .action(async (_options: GlobalOptions, command: Command) => {
      const options = command.optsWithGlobals<GlobalOptions>();
      const list = await withOperator(cli, options, (operations) => operations.apis.list());
      if (options.json) return printJson(cli, list.map(apiJson));
      if (list.length === 0)
        return printLines(cli, 'No APIs yet. Add one: tollgate apis add https://api.example.com --scopes "read:data"');
      printTable(
        cli,
        ['IDENTIFIER', 'DEFAULT', 'TOKEN TTL', 'CREATED', 'SCOPES'],
        list.map((api) => [
          api.identifier,
          api.isDefault ? 'yes' : '',
          formatDuration(api.tokenTtlSeconds),
          formatTime(api.createdAt),
          formatList(api.scopes),
        ]),
      );
    });

  apis
    .command('remove')
    .description('remove an API')
    .argument('<identifier>', 'the API identifier')
    .action(async (identifier: string, _options: GlobalOptions, command: Command) => {
      const options = command.optsWithGlobals<GlobalOptions>();
      await withOperator(cli, options, (operations) => operations.apis.remove(identifier));
      if (options.json) return printJson(cli, { removed: true, identifier });
      printLines(cli, `Removed API ${identifier}`);
    });
}
