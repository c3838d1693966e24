/** Row mapping for `api_tokens`: lists as JSON text, the owner kind checked on the way out. */
import type { ApiTokenMetadata, ApiTokenOwnerKind, ApiTokenRecord, PreviousApiTokenSecret } from '@tollgate/core';
import type { Selectable } from 'kysely';
import { decodeObject, decodeStringList, encodeJson } from '../json-columns.js';
import type { ApiTokensTable } from '../schema.js';
import { creditColumns, decodeCredits, decodeRateLimit, rateLimitColumns } from './api-token-quota-rows.js';

export function toTokenRow(token: ApiTokenRecord): ApiTokensTable {
  return {
    id: token.id,
    name: token.name,
    owner_kind: token.ownerKind,
    owner_id: token.ownerId,
    created_by: token.createdBy,
    token_hash: token.tokenHash,
    jti: token.jti,
    apis: encodeJson(token.apis),
    scopes: encodeJson(token.scopes),
    created_at: token.createdAt,
    expires_at: token.expiresAt,
    regenerated_at: token.regeneratedAt,
    last_used_at: token.lastUsedAt,
    last_used_address: token.lastUsedAddress,
    request_count: token.requestCount,
    previous_token_hash: token.previous?.tokenHash ?? null,
    previous_jti: token.previous?.jti ?? null,
    previous_expires_at: token.previous?.expiresAt ?? null,
    metadata: encodeJson(token.metadata),
    external_id: token.externalId,
    dpop_jkt: token.dpopJkt,
    ...creditColumns(token.credits),
    ...rateLimitColumns(token.rateLimit),
  };
}

export function fromTokenRow(row: Selectable<ApiTokensTable>): ApiTokenRecord {
  return {
    id: row.id,
    name: row.name,
    ownerKind: decodeOwnerKind(row.owner_kind),
    ownerId: row.owner_id,
    createdBy: row.created_by,
    tokenHash: row.token_hash,
    jti: row.jti,
    apis: decodeStringList(row.apis, 'api_tokens.apis'),
    scopes: decodeStringList(row.scopes, 'api_tokens.scopes'),
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    regeneratedAt: row.regenerated_at,
    lastUsedAt: row.last_used_at,
    lastUsedAddress: row.last_used_address,
    requestCount: row.request_count,
    previous: decodePrevious(row),
    metadata: decodeMetadata(row.metadata),
    externalId: row.external_id,
    dpopJkt: row.dpop_jkt,
    credits: decodeCredits(row),
    rateLimit: decodeRateLimit(row),
  };
}

function decodePrevious(row: Selectable<ApiTokensTable>): PreviousApiTokenSecret | null {
  const { previous_token_hash: tokenHash, previous_jti: jti, previous_expires_at: expiresAt } = row;
  if (tokenHash === null && jti === null && expiresAt === null) return null;
  if (tokenHash === null || jti === null || expiresAt === null) {
    throw new Error('Stored api_tokens.previous_* columns are only partly set');
  }
  return { tokenHash, jti, expiresAt };
}

function decodeMetadata(text: string): ApiTokenMetadata {
  const value = decodeObject(text, 'api_tokens.metadata');
  for (const item of Object.values(value)) {
    if (typeof item !== 'string' && typeof item !== 'number' && typeof item !== 'boolean') {
      throw new Error('Stored api_tokens.metadata holds a value that is not a string, number or boolean');
    }
  }
  return value as ApiTokenMetadata;
}

/** The owner decides what a token may do, so an unexpected value fails loudly instead of defaulting. */
function decodeOwnerKind(value: string): ApiTokenOwnerKind {
  if (value === 'user' || value === 'client') return value;
  throw new Error('Stored api_tokens.owner_kind is neither user nor client');
}
