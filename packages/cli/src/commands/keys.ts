/** `tollgate keys rotate|list`: the signing keys. A running server picks up a rotation within seconds. */
import type { KeyInfo } from '@tollgate/core';
import type { Command } from 'commander';
import { type SigningAlgorithm, parseAlgorithm } from '../arguments.js';
import { type Cli, type GlobalOptions, withTollgate } from '../context.js';
import { formatTime, printJson, printLines, printTable } from '../output.js';

/** The stable `--json` shape of a signing key. */
export function keyJson(key: KeyInfo) {
  return {
    kid: key.kid,
    alg: key.alg,
    signing: key.signing,
    created_at: key.createdAt,
    retired_at: key.retiredAt,
    expires_at: key.expiresAt,
  };
}

function keyStatus(key: KeyInfo): string {
  if (key.signing) return 'signing';
  return key.expiresAt === null ? 'retired' : `retired, published until ${formatTime(key.expiresAt)}`;
}

interface RotateOptions extends GlobalOptions {
  alg?: SigningAlgorithm;
}

export function registerKeyCommands(program: Command, cli: Cli): void {
  const keys = program.command('keys').description('manage signing keys');

  keys
    .command('rotate')
    .description('add a new signing key; older keys stay published until their tokens have expired')
    .option('--alg <algorithm>', 'EdDSA, ES256 or RS256 (default: the configured signingAlgorithm)', parseAlgorithm)
    .action(async (_options: RotateOptions, command: Command) => {
      const options = command.optsWithGlobals<RotateOptions>();
      const key = await withTollgate(cli, options, (tollgate) => tollgate.keys.rotate(options.alg));
      if (options.json) return printJson(cli, keyJson(key));
      printLines(
        cli,
        `New signing key ${key.kid} (${key.alg}).`,
        'Previous keys stay in the JWKS until every token they signed has expired;',
        'a running server starts signing with the new key within a few seconds.',
      );
    });

  keys
    .command('list')
    .description('list signing keys, newest first')
    .action(async (_options: GlobalOptions, command: Command) => {
      const options = command.optsWithGlobals<GlobalOptions>();
      const list = await withTollgate(cli, options, (tollgate) => tollgate.keys.list());
      if (options.json) return printJson(cli, list.map(keyJson));
      printTable(
        cli,
        ['KID', 'ALG', 'CREATED', 'STATUS'],
        list.map((key) => [key.kid, key.alg, formatTime(key.createdAt), keyStatus(key)]),
      );
    });
}
