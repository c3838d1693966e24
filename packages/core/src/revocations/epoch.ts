import { randomBytes } from 'node:crypto';

/**
 * A fresh revocation epoch (storage `RevocationPosition`): 96 random bits, base64url (16 characters), so two stores,
 * or two histories of one, never share an epoch. Every store mints its epochs here; the event ids carry them.
 */
export function newRevocationEpoch(): string {
  return randomBytes(12).toString('base64url');
}
