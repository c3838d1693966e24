/** The only folder of core that touches node:crypto and argon2. */
export { constantTimeEqual, digestsEqual, randomId, randomToken, sha256Base64url, sha256Hex } from './random.js';
export { csrfTokenMatches } from './csrf.js';
export { hashSecret, verifyAgainstDummy, verifySecret } from './password.js';
export {
  type GeneratedSigningKey,
  generateSigningKey,
  importPrivateKey,
  importPublicJwk,
  jwkThumbprint,
} from './signing-keys.js';
export {
  type EncryptionKey,
  decryptPrivateKey,
  encryptPrivateKey,
  generateEncryptionSecret,
  parseEncryptionKey,
} from './key-encryption.js';
export {
  decryptWebhookSecret,
  encryptWebhookSecret,
  generateWebhookSecret,
  signWebhook,
} from './webhook-signature.js';
