/**
 * The owner's metadata and external id on an API token: passed to the APIs behind it (introspection, the SDK's
 * verified token, gateway headers), so they are kept small and plain. Every refusal names the limit it hit.
 */
import { isJwkThumbprint } from '@tollgate/jwt';
import { InvalidRequest } from '../errors.js';
import type { ApiTokenMetadata } from '../storage/index.js';
import { checkName, printable } from './validate.js';

export const MAX_METADATA_KEYS = 20;
export const MAX_METADATA_KEY_LENGTH = 40;
export const MAX_METADATA_STRING_LENGTH = 500;
/** Serialized as JSON, in UTF-8 bytes. */
export const MAX_METADATA_BYTES = 1024;
export const MAX_EXTERNAL_ID_LENGTH = 128;

/** A plain JSON object of at most 20 keys with string, number or boolean values, at most 1 KiB serialized. */
export function checkTokenMetadata(value: unknown): ApiTokenMetadata {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidRequest('metadata must be a JSON object');
  }
  const entries = Object.entries(value);
  if (entries.length > MAX_METADATA_KEYS) {
    throw new InvalidRequest(`metadata may have at most ${MAX_METADATA_KEYS} keys; it has ${entries.length}`);
  }
  const metadata: ApiTokenMetadata = {};
  for (const [key, item] of entries) {
    checkName(key, 'metadata keys', MAX_METADATA_KEY_LENGTH);
    metadata[key] = checkValue(key, item);
  }
  const bytes = Buffer.byteLength(JSON.stringify(metadata), 'utf8');
  if (bytes > MAX_METADATA_BYTES) {
    throw new InvalidRequest(`metadata may be at most ${MAX_METADATA_BYTES} bytes as JSON; it is ${bytes}`);
  }
  return metadata;
}

function checkValue(key: string, item: unknown): string | number | boolean {
  const field = `metadata.${printable(key)}`;
  if (typeof item === 'boolean') return item;
  if (typeof item === 'number') {
    if (!Number.isFinite(item)) throw new InvalidRequest(`${field} must be a finite number`);
    return item;
  }
  if (typeof item !== 'string') throw new InvalidRequest(`${field} must be a string, number or boolean`);
  if (item.length > MAX_METADATA_STRING_LENGTH) {
    throw new InvalidRequest(`${field} may be at most ${MAX_METADATA_STRING_LENGTH} characters`);
  }
  // Values may become HTTP header values at the gateway: no line breaks or other control characters.
  if (/[\u0000-\u001f\u007f]/.test(item)) throw new InvalidRequest(`${field} must not contain control characters`);
  return item;
}

/** 1 to 128 characters without control characters or surrounding spaces; null clears it. */
export function checkExternalId(value: unknown): string | null {
  if (value === null) return null;
  if (typeof value !== 'string') throw new InvalidRequest('externalId must be a string or null');
  return checkName(value, 'externalId', MAX_EXTERNAL_ID_LENGTH);
}

export function checkDpopThumbprint(value: string | null): string | null {
  if (value === null) return null;
  if (!isJwkThumbprint(value)) {
    throw new InvalidRequest(
      'dpopJkt must be the RFC 7638 SHA-256 thumbprint of the DPoP public key (43 base64url characters)',
    );
  }
  return value;
}
