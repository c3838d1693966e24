/**
 * A DPoP client for the tests: a real key pair (ES256 or EdDSA), its RFC 7638 thumbprint computed here
 * independently of the SDK, and proofs signed for real with any claim changed, the way a client or an attacker
 * would make them.
 */
import { createHash, generateKeyPairSync, type KeyObject, randomUUID, sign } from 'node:crypto';

export type ProofAlg = 'ES256' | 'EdDSA';

export interface ProofInit {
  method: string;
  url: string;
  /** The access token the proof goes with: `ath` is its hash unless `ath` says otherwise (null: no `ath`). */
  token: string;
  ath?: string | null;
  iatSeconds?: number;
  jti?: string;
  nonce?: string;
}

export class DpopClient {
  readonly alg: ProofAlg;
  readonly #privateKey: KeyObject;
  readonly #jwk: Record<string, unknown>;

  constructor(alg: ProofAlg = 'ES256') {
    this.alg = alg;
    const pair =
      alg === 'ES256' ? generateKeyPairSync('ec', { namedCurve: 'prime256v1' }) : generateKeyPairSync('ed25519');
    this.#privateKey = pair.privateKey;
    this.#jwk = pair.publicKey.export({ format: 'jwk' }) as Record<string, unknown>;
  }

  /** RFC 7638: SHA-256 over the required members in lexicographic order, no whitespace. */
  get jkt(): string {
    const jwk = this.#jwk;
    const members =
      jwk.kty === 'EC' ? { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y } : { crv: jwk.crv, kty: jwk.kty, x: jwk.x };
    return createHash('sha256').update(JSON.stringify(members)).digest('base64url');
  }

  proof(init: ProofInit): string {
    const header = { typ: 'dpop+jwt', alg: this.alg, jwk: this.#jwk };
    const payload: Record<string, unknown> = {
      jti: init.jti ?? randomUUID(),
      htm: init.method,
      htu: init.url,
      iat: init.iatSeconds ?? Math.floor(Date.now() / 1000),
    };
    const ath = init.ath === undefined ? createHash('sha256').update(init.token).digest('base64url') : init.ath;
    if (ath !== null) payload.ath = ath;
    if (init.nonce !== undefined) payload.nonce = init.nonce;
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const input = `${encode(header)}.${encode(payload)}`;
    const signature =
      this.alg === 'ES256'
        ? sign('sha256', Buffer.from(input), { key: this.#privateKey, dsaEncoding: 'ieee-p1363' })
        : sign(null, Buffer.from(input), this.#privateKey);
    return `${input}.${signature.toString('base64url')}`;
  }
}
