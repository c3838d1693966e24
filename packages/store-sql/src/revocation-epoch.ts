import { randomBytes } from 'node:crypto';

/** 96 random bits, base64url (16 characters): two stores, or two histories of one, never share an epoch. */
export function newRevocationEpoch(): string {
  return randomBytes(12).toString('base64url');
}
