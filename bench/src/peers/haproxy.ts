/**
 * HAProxy as a JWT-checking gateway peer: `jwt_verify` (HAProxy 2.5+) on every request, with the checks a
 * HAProxy JWT setup makes beside the signature (alg pinned, iss, aud, exp against the clock, the scope the route
 * needs), then a keep-alive proxy to the upstream. One thread (nbthread 1), like one Node process, and no log,
 * like the Tollgate gateway with its access log off. HAProxy has no EdDSA, so ES256 and RS256 only.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { binaryVersion, type ExternalPeer, findBinary, startExternalPeer } from './external-process.js';

export interface HaproxyJwtOptions {
  directory: string;
  port: number;
  upstream: string;
  algorithm: 'ES256' | 'RS256';
  /** The issuer's signing key, SPKI PEM. */
  publicKeyPem: string;
  issuer: string;
  audience: string;
  scope: string;
}

function config(options: HaproxyJwtOptions, keyFile: string): string {
  const upstream = new URL(options.upstream);
  const refuse = 'http-request return status 401 content-type application/json string \'{"error":"invalid_token"}\'';
  return `global
  nbthread 1
  maxconn 4096

defaults
  mode http
  timeout connect 5s
  timeout client 30s
  timeout server 30s

frontend gateway
  bind 127.0.0.1:${options.port}
  http-request set-var(txn.bearer) http_auth_bearer
  http-request set-var(txn.alg) var(txn.bearer),jwt_header_query('$.alg')
  http-request set-var(txn.iss) var(txn.bearer),jwt_payload_query('$.iss')
  http-request set-var(txn.aud) var(txn.bearer),jwt_payload_query('$.aud')
  http-request set-var(txn.scope) var(txn.bearer),jwt_payload_query('$.scope')
  http-request set-var(txn.exp) var(txn.bearer),jwt_payload_query('$.exp','int')
  http-request set-var(txn.now) date()
  ${refuse} unless { var(txn.alg) -m str ${options.algorithm} }
  ${refuse} unless { var(txn.iss) -m str ${options.issuer} }
  ${refuse} unless { var(txn.aud) -m str ${options.audience} }
  ${refuse} unless { var(txn.scope) -m sub ${options.scope} }
  ${refuse} if { var(txn.exp),sub(txn.now) -m int lt 0 }
  ${refuse} unless { var(txn.bearer),jwt_verify(txn.alg,"${keyFile}") -m int 1 }
  default_backend upstream

backend upstream
  server upstream ${upstream.hostname}:${upstream.port} maxconn 256
`;
}

export function haproxyBinary(): string | undefined {
  return findBinary('haproxy');
}

/** "HAProxy version 2.6.12-1+deb12u4 2026/..." → "HAProxy 2.6.12". */
export function haproxyVersion(binary: string): string {
  const version = binaryVersion(binary, ['-v'])?.split(' ')[2]?.split('-')[0];
  return version === undefined ? 'HAProxy' : `HAProxy ${version}`;
}

export async function startHaproxyJwt(binary: string, options: HaproxyJwtOptions): Promise<ExternalPeer> {
  const keyFile = join(options.directory, `haproxy-${options.algorithm}.pem`);
  const configFile = join(options.directory, `haproxy-${options.algorithm}.cfg`);
  writeFileSync(keyFile, options.publicKeyPem);
  writeFileSync(configFile, config(options, keyFile));
  // -db: foreground, no daemon, no master: one process whose CPU time is the whole cost.
  return startExternalPeer(binary, ['-db', '-f', configFile], options.port);
}
