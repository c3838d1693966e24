/** A really signed ES256 DPoP proof for the verify tests (the proof checks themselves are tested in @tollgate/jwt). */
import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';

const key = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });

export function signedProof({
  iatSeconds,
  method = 'GET',
  url = 'https://api.example.com/orders',
}: {
  iatSeconds: number;
  method?: string;
  url?: string;
}): string {
  const header = { typ: 'dpop+jwt', alg: 'ES256', jwk: key.publicKey.export({ format: 'jwk' }) };
  const payload = { jti: randomUUID(), htm: method, htu: url, iat: iatSeconds };
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${encode(header)}.${encode(payload)}`;
  const signature = sign('sha256', Buffer.from(input), { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
  return `${input}.${signature.toString('base64url')}`;
}
