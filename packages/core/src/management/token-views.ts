/** API tokens as every surface shows them: owner named, expiry flags computed, never the secret or its hash. */
import type { ApiTokenRecord, Store } from '../storage/index.js';
import { creditsView } from './api-token-quotas.js';
import { isExpired, isExpiringSoon } from './api-token-rules.js';
import type { ApiTokenOwner, ApiTokenView } from './views.js';

export { EXPIRING_SOON_SECONDS } from './api-token-rules.js';

export function apiTokenView(record: ApiTokenRecord, owner: ApiTokenOwner, now: number): ApiTokenView {
  const { id, name, apis, scopes, createdAt, expiresAt, regeneratedAt, lastUsedAt, lastUsedAddress, requestCount } =
    record;
  return {
    id,
    name,
    owner,
    apis: [...apis],
    scopes: [...scopes],
    createdAt,
    expiresAt,
    regeneratedAt,
    lastUsedAt,
    lastUsedAddress,
    requestCount,
    previousSecretExpiresAt:
      record.previous !== null && record.previous.expiresAt > now ? record.previous.expiresAt : null,
    metadata: { ...record.metadata },
    externalId: record.externalId,
    dpopJkt: record.dpopJkt,
    credits: creditsView(record.credits, now),
    rateLimit: record.rateLimit === null ? null : { ...record.rateLimit },
    expiringSoon: isExpiringSoon(createdAt, expiresAt, now),
    expired: isExpired(expiresAt, now),
  };
}

/** Resolves owner names, each distinct owner once; a deleted owner shows its id as its name. */
export async function resolveOwners(
  store: Store,
  records: readonly ApiTokenRecord[],
): Promise<(record: ApiTokenRecord) => ApiTokenOwner> {
  const names = new Map<string, string>();
  for (const { ownerKind, ownerId } of records) {
    const key = `${ownerKind}:${ownerId}`;
    if (names.has(key)) continue;
    const name =
      ownerKind === 'user' ? (await store.users.getById(ownerId))?.username : (await store.clients.get(ownerId))?.name;
    names.set(key, name ?? ownerId);
  }
  return (record) => ({
    kind: record.ownerKind,
    id: record.ownerId,
    name: names.get(`${record.ownerKind}:${record.ownerId}`) ?? record.ownerId,
  });
}
