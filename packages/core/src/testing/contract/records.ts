/** Record builders for the contract suite. Times are epoch seconds around a fixed instant. */
import type {
  ApiRecord,
  ApiTokenRecord,
  AuditEventRecord,
  AuthorizationCodeRecord,
  ClientRecord,
  IssuedAccessToken,
  RefreshTokenFamilyRecord,
  RefreshTokenRecord,
  SessionRecord,
  SigningKeyRecord,
  Store,
  UserRecord,
} from '../../storage/index.js';
import { afterEach, beforeEach } from 'node:test';

export const T0 = 1_700_000_000;

/** Opens a fresh store before each test of the enclosing suite and closes it after. */
export function useFreshStore(open: () => Promise<Store>): () => Store {
  let store: Store | undefined;
  beforeEach(async () => {
    store = await open();
  });
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });
  return () => {
    if (store === undefined) throw new Error('The store is only open inside a test');
    return store;
  };
}

export function api(identifier: string, overrides: Partial<ApiRecord> = {}): ApiRecord {
  const defaults = { scopes: ['read', 'write'], isDefault: false, tokenTtlSeconds: 900, dpop: 'allowed' as const };
  return { identifier, ...defaults, createdAt: T0, ...overrides };
}

export function user(username: string, overrides: Partial<UserRecord> = {}): UserRecord {
  return {
    id: `user-${username}`,
    username,
    passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA',
    scopes: ['read'],
    disabled: false,
    isAdmin: false,
    createdAt: T0,
    ...overrides,
  };
}

export function client(id: string, overrides: Partial<ClientRecord> = {}): ClientRecord {
  return {
    id,
    name: `Client ${id}`,
    secretHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$c2VjcmV0',
    scopes: ['read'],
    apis: null,
    grantTypes: ['client_credentials'],
    public: false,
    redirectUris: [],
    firstParty: true,
    dpop: 'allowed',
    createdAt: T0,
    ...overrides,
  };
}

export function signingKey(kid: string, createdAt: number): SigningKeyRecord {
  return {
    kid,
    alg: 'ES256',
    publicJwk: { kty: 'EC', crv: 'P-256', x: `x-${kid}`, y: `y-${kid}`, kid, alg: 'ES256', use: 'sig' },
    encryptedPrivateKey: `sealed-${kid}`,
    createdAt,
    activatesAt: createdAt,
    retiredAt: null,
    expiresAt: null,
  };
}

export function family(id: string, overrides: Partial<RefreshTokenFamilyRecord> = {}): RefreshTokenFamilyRecord {
  return {
    id,
    clientId: 'client-1',
    subject: 'user-alice',
    createdAt: T0,
    revokedAt: null,
    dpopJkt: null,
    ...overrides,
  };
}

export function refreshToken(
  id: string,
  familyId: string,
  overrides: Partial<RefreshTokenRecord> = {},
): RefreshTokenRecord {
  return {
    id,
    tokenHash: `sha256-of-${id}`,
    familyId,
    clientId: 'client-1',
    subject: 'user-alice',
    username: 'alice',
    scopes: ['read', 'offline_access'],
    audience: 'https://api.example.com',
    createdAt: T0,
    expiresAt: T0 + 86_400,
    consumedAt: null,
    ...overrides,
  };
}

/** A code of user alice for `client-1`, live for 60 s from T0; its hash is derived from the name. */
export function authorizationCode(
  name: string,
  overrides: Partial<AuthorizationCodeRecord> = {},
): AuthorizationCodeRecord {
  return {
    codeHash: `sha256-of-${name}`,
    clientId: 'client-1',
    redirectUri: 'https://app.example/callback',
    codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    subject: 'user-alice',
    username: 'alice',
    scopes: ['read'],
    audience: 'https://api.example.com',
    createdAt: T0,
    expiresAt: T0 + 60,
    consumedAt: null,
    issued: null,
    ...overrides,
  };
}

export function accessToken(jti: string, expiresAt = T0 + 3600): IssuedAccessToken {
  return { jti, expiresAt };
}

/** An API token of user `user-alice`; its secret's hash and jti are derived from the id. */
export function apiToken(id: string, overrides: Partial<ApiTokenRecord> = {}): ApiTokenRecord {
  return {
    id,
    name: `Token ${id}`,
    ownerKind: 'user',
    ownerId: 'user-alice',
    createdBy: 'user-alice',
    tokenHash: `sha256-of-${id}`,
    jti: `jti-${id}`,
    apis: ['https://api.example.com'],
    scopes: ['read'],
    createdAt: T0,
    expiresAt: T0 + 86_400 * 30,
    regeneratedAt: null,
    lastUsedAt: null,
    lastUsedAddress: null,
    requestCount: 0,
    previous: null,
    metadata: {},
    externalId: null,
    dpopJkt: null,
    credits: null,
    rateLimit: null,
    ...overrides,
  };
}

export function session(idHash: string, overrides: Partial<SessionRecord> = {}): SessionRecord {
  return {
    idHash,
    userId: 'user-alice',
    csrfToken: `csrf-${idHash}`,
    createdAt: T0,
    lastSeenAt: T0,
    expiresAt: T0 + 43_200,
    address: '192.0.2.10',
    ...overrides,
  };
}

export function auditEvent(
  action: string,
  overrides: Partial<Omit<AuditEventRecord, 'id'>> = {},
): Omit<AuditEventRecord, 'id'> {
  return {
    at: T0,
    actorId: 'user-alice',
    actorName: 'alice',
    action,
    target: null,
    address: '192.0.2.10',
    outcome: 'success',
    detail: null,
    ...overrides,
  };
}
