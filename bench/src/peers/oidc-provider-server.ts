/**
 * Child program: oidc-provider (see oidc-provider-config.ts) on node:http, its tokens in SQLite.
 *
 * Usage: node oidc-provider-server.js <port> <directory holding signing-key.json; oidc.db is created there>
 * The signing key is made by the parent beforehand, so a start reads an existing key as `tollgate start` does.
 */
import type { JsonWebKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import Provider from 'oidc-provider';
import { exitOnSigterm, reportListening } from '../children.js';
import { type PeerAlgorithm, providerConfiguration } from './oidc-provider-config.js';
import { openSqliteAdapters } from './sqlite-adapter.js';

const port = Number(process.argv[2]);
const directory = process.argv[3] ?? '.';
const signingKey = JSON.parse(readFileSync(join(directory, 'signing-key.json'), 'utf8')) as JsonWebKey & {
  alg: PeerAlgorithm;
};
const issuer = `http://127.0.0.1:${port}`;
const adapters = openSqliteAdapters(join(directory, 'oidc.db'));
const provider = new Provider(issuer, providerConfiguration(signingKey.alg, signingKey, adapters.factory));
const server = createServer(provider.callback());
server.listen(port, '127.0.0.1', () => reportListening(issuer));
exitOnSigterm(
  () =>
    new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
      adapters.close();
    }),
);
