/**
 * Starts the oidc-provider peer (oidc-provider-server.ts) for one signing algorithm, in its own process with
 * its own directory: a signing key made here beforehand (the same key types as Tollgate's: Ed25519, P-256,
 * RSA 2048) and the SQLite file the provider creates.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Child, startChild } from '../children.js';
import type { Algorithm } from '../issuers.js';
import { freePort } from '../scale-infra.js';
import { basic } from '../seed.js';
import { PEER_CLIENT } from './oidc-provider-config.js';

export const OIDC_PROVIDER_SCRIPT = 'peers/oidc-provider-server.js';
export const PEER_AUTHORIZATION = basic(PEER_CLIENT.clientId, PEER_CLIENT.clientSecret);

function privateKeyFor(algorithm: Algorithm): KeyObject {
  switch (algorithm) {
    case 'EdDSA':
      return generateKeyPairSync('ed25519').privateKey;
    case 'ES256':
      return generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
    case 'RS256':
      return generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  }
}

export interface PeerDirectory {
  path: string;
  remove(): void;
}

/** A directory holding a fresh signing key for `algorithm`, as the provider program expects it. */
export function oidcProviderDirectory(algorithm: Algorithm): PeerDirectory {
  const path = mkdtempSync(join(tmpdir(), `tollgate-bench-oidc-${algorithm.toLowerCase()}-`));
  const jwk = { ...privateKeyFor(algorithm).export({ format: 'jwk' }), alg: algorithm, use: 'sig', kid: algorithm };
  writeFileSync(join(path, 'signing-key.json'), JSON.stringify(jwk), { mode: 0o600 });
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export interface OidcProviderPeer {
  child: Child;
  stop(): Promise<void>;
}

export async function startOidcProvider(algorithm: Algorithm): Promise<OidcProviderPeer> {
  const directory = oidcProviderDirectory(algorithm);
  try {
    const child = await startChild(OIDC_PROVIDER_SCRIPT, [String(await freePort()), directory.path]);
    return {
      child,
      stop: async () => {
        await child.stop();
        directory.remove();
      },
    };
  } catch (error) {
    directory.remove();
    throw error;
  }
}

/** One access token from the peer: a JWT for `resource`, an opaque one (stored in SQLite) without. */
export async function peerToken(url: string, scope: string, resource?: string): Promise<string> {
  const body = new URLSearchParams({ grant_type: 'client_credentials', scope, ...(resource ? { resource } : {}) });
  const response = await fetch(`${url}/token`, {
    method: 'POST',
    headers: { authorization: PEER_AUTHORIZATION, 'content-type': 'application/x-www-form-urlencoded' },
    body: body.toString(),
    signal: AbortSignal.timeout(15_000),
  });
  const token = ((await response.json()) as { access_token?: unknown }).access_token;
  if (response.status !== 200 || typeof token !== 'string') throw new Error(`${url}/token answered ${response.status}`);
  return token;
}
