/**
 * A second process that revokes a token by writing to the same data directory as the running server, the
 * way an admin tool (or a second Tollgate node) would: through the public `@tollgate/server/bootstrap`
 * API, never over HTTP. The running server learns of it only by polling its store.
 *
 * Usage: node revoker-main.js --data DIR --issuer URL   (the token on stdin, never in argv where `ps` shows it)
 * The issuer must be the server's: a token of another issuer is no token of ours, and revoking it does nothing.
 * Prints `revoked` once the revocation is committed, then exits 0.
 */
import { loadConfig, openTollgateFromConfig } from '@tollgate/server/bootstrap';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').trim();
}

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index === -1 ? undefined : process.argv[index + 1];
}

async function main(): Promise<void> {
  const data = argument('--data');
  const issuer = argument('--issuer');
  if (data === undefined || issuer === undefined)
    throw new Error('usage: revoker-main --data DIR --issuer URL < token');
  const token = await readStdin();
  const config = loadConfig({ env: process.env, flags: { data, issuer } });
  const opened = await openTollgateFromConfig(config, { warn: () => {}, warnOnlyWhenGenerated: true });
  try {
    // The token belongs to the public login client, which may revoke without authenticating (RFC 7009 5).
    await opened.tollgate.revoke({
      token,
      tokenTypeHint: undefined,
      client: { method: 'none' },
      remoteAddress: '127.0.0.1',
    });
    process.stdout.write('revoked\n');
  } finally {
    await opened.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`revoker failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
