/** `tollgate clients add|list|remove`: applications that authenticate with a client id and secret. */
import type { ClientView, CreatedClientView, CreatedPublicClientView, DpopPolicy } from '@tollgate/core';
import type { Command } from 'commander';
import { collectValues, parseGrants, parseIdentifiers, parseScopes } from '../arguments.js';
import { type Cli, type GlobalOptions, withOperator } from '../context.js';
import { formatList, formatTime, printJson, printLines, printTable } from '../output.js';

/** The stable `--json` shape of a client (never a secret hash). */
export function clientJson(client: ClientView) {
  return {
    client_id: client.id,
    name: client.name,
    scopes: client.scopes,
    apis: client.apis,
    grant_types: client.grantTypes,
    public: client.public,
    redirect_uris: client.redirectUris,
    third_party: !client.firstParty,
    dpop: client.dpop,
    created_at: client.createdAt,
  };
}

function createdClientJson({ client, clientSecret }: CreatedClientView | CreatedPublicClientView) {
  return {
    client_id: client.id,
    client_secret: clientSecret,
    name: client.name,
    scopes: client.scopes,
    apis: client.apis,
    grant_types: client.grantTypes,
    public: client.public,
    redirect_uris: client.redirectUris,
    third_party: !client.firstParty,
    dpop: client.dpop,
  };
}

interface AddOptions extends GlobalOptions {
  scopes: string[];
  apis?: string[];
  grants?: ReturnType<typeof parseGrants>;
  public?: boolean;
  redirectUri?: string[];
  thirdParty?: boolean;
  /** Commander's `--no-password-grant`: false when given. */
  passwordGrant: boolean;
  dpop?: DpopPolicy;
}

function printCreated(cli: Cli, { client, clientSecret }: CreatedClientView | CreatedPublicClientView): void {
  printLines(
    cli,
    `Added ${client.public ? 'public ' : ''}${client.firstParty ? '' : 'third-party '}client ${client.name}`,
    `  client_id:     ${client.id}`,
    ...(clientSecret === null ? [] : [`  client_secret: ${clientSecret}`]),
    `  scopes:        ${formatList(client.scopes, '(none)')}`,
    `  apis:          ${formatList(client.apis)}`,
    `  grant types:   ${client.grantTypes.join(' ')}`,
    ...(client.redirectUris.length === 0 ? [] : [`  redirect URIs: ${client.redirectUris.join(' ')}`]),
    ...(client.dpop === 'required' ? ['  DPoP:          required'] : []),
    '',
    clientSecret === null
      ? 'A public client has no secret: it proves each code with PKCE instead.'
      : 'The client secret is shown once: store it now. Tollgate keeps only a hash of it.',
  );
}

export function registerClientCommands(program: Command, cli: Cli): void {
  const clients = program.command('clients').description('manage OAuth clients (applications)');

  clients
    .command('add')
    .description('register a client and print its client_id and client_secret (the secret is shown once)')
    .argument('<name>', 'a name for people to recognise it by')
    .option('--scopes <scopes>', 'space-separated scopes the client may be granted', parseScopes, [])
    .option(
      '--apis <identifiers>',
      'comma-separated API identifiers it may get tokens for (default: all)',
      parseIdentifiers,
    )
    .option(
      '--grants <grants>',
      'grant types: client_credentials, password, refresh_token, authorization_code (default: client_credentials, ' +
        'or authorization_code refresh_token with --redirect-uri or --public)',
      parseGrants,
    )
    .option('--public', 'a public client (SPA, mobile or desktop app): no secret, the code flow with PKCE only')
    .option(
      '--redirect-uri <uri>',
      'where the code flow may send users back (repeatable; http://127.0.0.1/... matches any port)',
      collectValues,
    )
    .option('--third-party', 'an application you do not run: users see a consent screen, no password grant')
    .option('--no-password-grant', 'refuse the password grant even if --grants names it')
    // Core checks the value, as for `apis add --dpop`.
    .option('--dpop <policy>', 'required: issue it only DPoP-bound tokens (RFC 9449); default allowed')
    .action(async (name: string, _options: AddOptions, command: Command) => {
      const options = command.optsWithGlobals<AddOptions>();
      const grants = options.passwordGrant ? options.grants : options.grants?.filter((grant) => grant !== 'password');
      const created = await withOperator(cli, options, (operations) =>
        operations.clients.create({
          name,
          scopes: options.scopes,
          ...(options.apis === undefined ? {} : { apis: options.apis }),
          ...(grants === undefined ? {} : { grantTypes: grants }),
          public: options.public === true,
          redirectUris: options.redirectUri ?? [],
          firstParty: options.thirdParty !== true,
          ...(options.dpop === undefined ? {} : { dpop: options.dpop }),
        }),
      );
      if (options.json) return printJson(cli, createdClientJson(created));
      printCreated(cli, created);
    });

  clients
    .command('list')
    .description('list clients (secrets are never shown again)')
    .action(async (_options: GlobalOptions, command: Command) => {
      const options = command.optsWithGlobals<GlobalOptions>();
      const list = await withOperator(cli, options, (operations) => operations.clients.list());
      if (options.json) return printJson(cli, list.map(clientJson));
      if (list.length === 0)
        return printLines(cli, 'No clients yet. Add one: tollgate clients add <name> --scopes "read:data"');
      printTable(
        cli,
        ['CLIENT ID', 'NAME', 'GRANTS', 'APIS', 'CREATED', 'SCOPES'],
        list.map((client) => [
          client.id,
          client.name,
          client.grantTypes.join(','),
          formatList(client.apis),
          formatTime(client.createdAt),
          formatList(client.scopes),
        ]),
      );
    });

  clients
    .command('remove')
    .description('remove a client; it can no longer authenticate, and its API tokens are revoked')
    .argument('<client_id>', 'the client id')
    .action(async (clientId: string, _options: GlobalOptions, command: Command) => {
      const options = command.optsWithGlobals<GlobalOptions>();
      await withOperator(cli, options, (operations) => operations.clients.remove(clientId));
      if (options.json) return printJson(cli, { removed: true, client_id: clientId });
      printLines(cli, `Removed client ${clientId}`);
    });
}
