/**
 * A DPoP client (RFC 9449 4) for the gateway tests: a real ES256 or Ed25519 key, and proofs signed for real with
 * whatever claims a test (or an attacker) chooses.
 */
import { createHash, generateKeyPairSync, type KeyObject, randomUUID, sign } from 'node:crypto';
import { jwkThumbprint } from '@tollgate/jwt';

export interface ProofClaims {
  htm: string;
  htu: string;
  /** The token the proof goes with (`ath` its hash), or null for a proof without `ath`. */
  token: string | null;
  iat?: number;
  nonce?: string;
}

export class ProofKey {
  readonly alg: 'ES256' | 'EdDSA';
  readonly #privateKey: KeyObject;
  readonly #publicKey: KeyObject;

  constructor(alg: 'ES256' | 'EdDSA' = 'ES256') {
    this.alg = alg;
    const pair =
      alg === 'ES256' ? generateKeyPairSync('ec', { namedCurve: 'prime256v1' }) : generateKeyPairSync('ed25519');
    this.#privateKey = pair.privateKey;
    this.#publicKey = pair.publicKey;
  }

  /** What a DPoP-bound token carries in `cnf.jkt`. */
  get jkt(): string {
    return jwkThumbprint(this.#publicKey);
  }

  proof({ htm, htu, token, iat = Math.floor(Date.now() / 1000), nonce }: ProofClaims): string {
    const segment = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const claims = {
      jti: randomUUID(),
      htm,
      htu,
      iat,
      ...(token === null ? {} : { ath: createHash('sha256').update(token).digest('base64url') }),
      ...(nonce === undefined ? {} : { nonce }),
    };
    const jwk = this.#publicKey.export({ format: 'jwk' });
    const input = `${segment({ typ: 'dpop+jwt', alg: this.alg, jwk })}.${segment(claims)}`;
    const key = this.alg === 'ES256' ? { key: this.#privateKey, dsaEncoding: 'ieee-p1363' as const } : this.#privateKey;
    return `${input}.${sign(this.alg === 'ES256' ? 'sha256' : null, Buffer.from(input), key).toString('base64url')}`;
  }
}
