/**
 * JSON Schemas (draft 2020-12, as OpenAPI 3.1 uses them) of the admin API's answers: the view types of
 * packages/core/src/management/views.ts, written with small helpers so each reads like its TypeScript type.
 * Request bodies are not here: they are generated from the zod schemas the routes validate with.
 */

export type JsonSchema = Record<string, unknown>;

export const string = (description?: string): JsonSchema => ({ type: 'string', ...described(description) });
export const integer = (description?: string): JsonSchema => ({ type: 'integer', ...described(description) });
export const boolean = (description?: string): JsonSchema => ({ type: 'boolean', ...described(description) });
export const arrayOf = (items: JsonSchema): JsonSchema => ({ type: 'array', items });
export const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });
export const nullable = (schema: JsonSchema): JsonSchema => ({ anyOf: [schema, { type: 'null' }] });
export const oneOfValues = (values: readonly string[]): JsonSchema => ({ type: 'string', enum: [...values] });

/** An object whose properties are all required (as in the contract's views) unless listed as optional. */
export function object(properties: Record<string, JsonSchema>, optional: readonly string[] = []): JsonSchema {
  return {
    type: 'object',
    properties,
    required: Object.keys(properties).filter((name) => !optional.includes(name)),
    additionalProperties: false,
  };
}

function described(description: string | undefined): JsonSchema {
  return description === undefined ? {} : { description };
}

const epochSeconds = (description: string) => integer(`${description} (epoch seconds)`);
const strings = arrayOf(string());

export const ADMIN_ERROR_CODES = [
  'invalid_request',
  'unauthenticated',
  'forbidden',
  'csrf_failed',
  'invalid_token',
  'insufficient_scope',
  'not_found',
  'conflict',
  'too_many_requests',
  'server_error',
] as const;

const userView = object({
  id: string(),
  username: string(),
  scopes: strings,
  disabled: boolean(),
  isAdmin: boolean(),
  createdAt: epochSeconds('Creation time'),
});

const apiTokenOwner: JsonSchema = {
  oneOf: [
    object({ kind: { const: 'user' }, id: string(), name: string() }),
    object({ kind: { const: 'client' }, id: string(), name: string() }),
  ],
};

const apiTokenView = object({
  id: string(),
  name: string(),
  owner: ref('ApiTokenOwner'),
  apis: strings,
  scopes: strings,
  createdAt: epochSeconds('Creation time'),
  expiresAt: nullable(epochSeconds('Expiry; null means never')),
  regeneratedAt: nullable(epochSeconds('Last regeneration')),
  lastUsedAt: nullable(epochSeconds('Last reported use')),
  lastUsedAddress: nullable(string('Address of the last reported caller')),
  requestCount: integer('Reported uses'),
  previousSecretExpiresAt: nullable(
    epochSeconds('While the secret replaced with a grace period still works: when it stops'),
  ),
  metadata: {
    type: 'object',
    additionalProperties: { type: ['string', 'number', 'boolean'] },
    description: "The owner's metadata, passed to the APIs behind",
  },
  externalId: nullable(string("The owner's id for whoever the token is for")),
  dpopJkt: nullable(string('RFC 7638 thumbprint of the DPoP key the token is bound to (RFC 9449); null: bearer')),
  credits: nullable(
    object({
      remaining: integer('Credits left now (a refill due is shown applied)'),
      refill: nullable(object({ amount: integer(), interval: oneOfValues(['day', 'month']) })),
      refillsAt: nullable(epochSeconds('Next refill')),
    }),
  ),
  rateLimit: nullable(object({ requests: integer(), windowSeconds: integer() })),
  expiringSoon: boolean('Expired, or within the last 7 days or last quarter of its lifetime, whichever is shorter'),
  expired: boolean(),
});

const usageSeries = object({
  key: string('Token id or API identifier'),
  label: string(),
  days: arrayOf(object({ day: string('UTC day, YYYY-MM-DD'), count: integer() })),
  total: integer(),
});

const clientView = object({
  id: string(),
  name: string(),
  scopes: strings,
  apis: nullable(strings),
  grantTypes: arrayOf(oneOfValues(['password', 'client_credentials', 'refresh_token', 'authorization_code'])),
  public: boolean('No secret: the code flow with PKCE only (SPAs, native apps)'),
  redirectUris: arrayOf(string()),
  firstParty: boolean('False: users see a consent screen'),
  dpop: oneOfValues(['required', 'allowed']),
  createdAt: epochSeconds('Creation time'),
});

const auditEvent = object({
  id: integer('Cursor; newer events have larger ids'),
  at: epochSeconds('When'),
  actorId: nullable(string()),
  actorName: string(),
  action: string('Such as session.sign_in or api_token.create'),
  target: nullable(string()),
  address: nullable(string()),
  outcome: oneOfValues(['success', 'failure']),
  detail: nullable({ type: 'object' }),
});

/** components.schemas of the document. */
export const VIEW_SCHEMAS: Record<string, JsonSchema> = {
  Error: object({ error: oneOfValues(ADMIN_ERROR_CODES), error_description: string('For people') }),
  UserView: userView,
  SessionView: object({
    user: ref('UserView'),
    csrfToken: string('Echo in X-CSRF-Token on every POST, PATCH, PUT and DELETE'),
    expiresAt: epochSeconds('Absolute end of the session'),
    idleTimeoutSeconds: integer(),
    allowNeverExpiringTokens: boolean(),
    issuer: string(),
  }),
  ApiTokenOwner: apiTokenOwner,
  ApiTokenView: apiTokenView,
  CreatedApiToken: object({ token: ref('ApiTokenView'), secret: string('Shown once') }),
  UsageSeries: usageSeries,
  ApiView: object({
    identifier: string('RFC 8707 resource identifier'),
    scopes: strings,
    isDefault: boolean(),
    tokenTtlSeconds: integer(),
    dpop: oneOfValues(['required', 'allowed']),
    createdAt: epochSeconds('Creation time'),
  }),
  ClientView: clientView,
  CreatedClientView: object({
    client: ref('ClientView'),
    clientSecret: nullable(string('Shown once; null for a public client')),
  }),
  KeyView: object({
    kid: string(),
    alg: string(),
    createdAt: epochSeconds('Creation time (published from then on)'),
    activatesAt: epochSeconds('When it starts signing'),
    retiredAt: nullable(epochSeconds('When it stops signing')),
    expiresAt: nullable(epochSeconds('When it leaves the JWKS')),
    signing: boolean('Signs new tokens now'),
  }),
  AuditEvent: auditEvent,
  TokenList: object({ tokens: arrayOf(ref('ApiTokenView')) }),
  ApiList: object({ apis: arrayOf(ref('ApiView')) }),
  ClientList: object({ clients: arrayOf(ref('ClientView')) }),
  UserList: object({ users: arrayOf(ref('UserView')) }),
  KeyList: object({ keys: arrayOf(ref('KeyView')) }),
  UsageSeriesList: object({ series: arrayOf(ref('UsageSeries')) }),
  AuditPage: object({ events: arrayOf(ref('AuditEvent')), nextBefore: nullable(integer('Cursor of the next page')) }),
};
