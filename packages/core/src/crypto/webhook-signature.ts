/**
 * Standard Webhooks signing (https://www.standardwebhooks.com, "Signature scheme"): HMAC-SHA256 over
 * `<webhook-id>.<webhook-timestamp>.<body>` with the secret's bytes, sent as `v1,<base64>`. The secret is
 * `whsec_` + base64 of 24 random bytes (the spec allows 24 to 64), stored AEAD-encrypted like a signing key.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { decryptPrivateKey, type EncryptionKey, encryptPrivateKey } from './key-encryption.js';

const SECRET_PREFIX = 'whsec_';
const SECRET_BYTES = 24;

export function generateWebhookSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(SECRET_BYTES).toString('base64')}`;
}

/** The `webhook-signature` header value for one attempt. */
export function signWebhook(secret: string, id: string, timestampSeconds: number, body: string): string {
  const key = Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64');
  const mac = createHmac('sha256', key).update(`${id}.${timestampSeconds}.${body}`, 'utf8').digest('base64');
  return `v1,${mac}`;
}

/** The endpoint id is the additional authenticated data: a secret copied onto another endpoint's row fails. */
export function encryptWebhookSecret(secret: string, endpointId: string, key: EncryptionKey): string {
  return encryptPrivateKey(Buffer.from(secret, 'utf8'), `webhook:${endpointId}`, key);
}

export function decryptWebhookSecret(blob: string, endpointId: string, key: EncryptionKey): string {
  return decryptPrivateKey(blob, `webhook:${endpointId}`, key).toString('utf8');
}
