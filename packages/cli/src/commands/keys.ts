/**
 * `tollgate keys rotate|retire|list`: the signing keys. Publish first, sign later: a rotated key is in the JWKS at
 * once and signs after the propagation delay (`keyPropagationDelay`), so verifiers know it before its first token.
 */
import type { KeyView } from '@tollgate/core';
import type { Command } from 'commander';
import { checkAlgorithm } from '../arguments.js';
import { type Cli, type GlobalOptions, withOperator } from '../context.js';
import { formatTime, printJson, printLines, printTable } from '../output.js';

/** The stable `--json` shape of a signing key. */
export function keyJson(key: KeyView) {
  return {
    kid: key.kid,
    alg: key.alg,
    signing: key.signing,
    created_at: key.createdAt,
    activates_at: key.activatesAt,
    retired_at: key.retiredAt,
    expires_at: key.expiresAt,
  };
}

function keyStatus(key: KeyView, nowSeconds: number): string {
  if (key.signing) return 'signing';
  if (key.activatesAt > nowSeconds && key.retiredAt === null)
    return `published, signs from ${formatTime(key.activatesAt)}`;
  return key.expiresAt === null ? 'retired' : `retired, published until ${formatTime(key.expiresAt)}`;
}

interface RotateOptions extends GlobalOptions {
  alg?: string;
  now?: boolean;
}

function registerRotate(keys: Command, cli: Cli): void {
  keys
    .command('rotate')
    .description(
      'add a new signing key: published in the JWKS at once, signing after keyPropagationDelay (default 2m); ' +
        'older keys stay published until their tokens have expired',
    )
    .option('--alg <algorithm>', 'EdDSA, ES256 or RS256 (default: the configured signingAlgorithm)')
    .option('--now', 'EMERGENCY ONLY: sign with the new key at once; verifiers may refuse its tokens for a while')
    .action(async (_options: RotateOptions, command: Command) => {
      const options = command.optsWithGlobals<RotateOptions>();
      const now = options.now === true;
      const alg = options.alg === undefined ? undefined : await checkAlgorithm(options.alg);
      const key = await withOperator(cli, options, (operations) => operations.keys.rotate(alg, { now }));
      if (options.json) return printJson(cli, keyJson(key));
      printLines(
        cli,
        `New signing key ${key.kid} (${key.alg}), published in the JWKS now.`,
        now
          ? 'It signs at once (--now): verifiers that have not fetched it yet refuse its tokens until they do.'
          : `It starts signing at ${formatTime(key.activatesAt)}, once every verifier can have fetched it.`,
        'Previous keys stay in the JWKS until every token they signed has expired.',
      );
    });
}

function registerRetire(keys: Command, cli: Cli): void {
  keys
    .command('retire <kid>')
    .description(
      'withdraw a compromised key: out of the JWKS at once, and its tokens refused by every verifier within a ' +
        'second; if it signs now, a new key signs in its place at once',
    )
    .action(async (kid: string, _options: GlobalOptions, command: Command) => {
      const options = command.optsWithGlobals<GlobalOptions>();
      const key = await withOperator(cli, options, (operations) => operations.keys.retire(kid));
      if (options.json) return printJson(cli, keyJson(key));
      printLines(
        cli,
        `Signing key ${key.kid} is withdrawn: every token it signed is refused.`,
        'Verifiers are told through the revocation stream; run `tollgate keys list` to see the key that signs now.',
      );
    });
}

export function registerKeyCommands(program: Command, cli: Cli): void {
  const keys = program.command('keys').description('manage signing keys');
  registerRotate(keys, cli);
  registerRetire(keys, cli);
  keys
    .command('list')
    .description('list signing keys, newest first')
    .action(async (_options: GlobalOptions, command: Command) => {
      const options = command.optsWithGlobals<GlobalOptions>();
      const list = await withOperator(cli, options, (operations) => operations.keys.list());
      if (options.json) return printJson(cli, list.map(keyJson));
      const nowSeconds = Math.floor(Date.now() / 1000);
      printTable(
        cli,
        ['KID', 'ALG', 'CREATED', 'STATUS'],
        list.map((key) => [key.kid, key.alg, formatTime(key.createdAt), keyStatus(key, nowSeconds)]),
      );
    });
}
