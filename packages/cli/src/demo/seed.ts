/**
 * What `tollgate demo` needs in the data directory: the demo API, a demo user that may only read (so the
 * story can show a 403), and a confidential client the gateway uses for the revocation stream.
 *
 * Idempotent: a second run reuses all three. Passwords and client secrets are stored only as argon2 hashes,
 * so the clear values the demo prints and the gateway needs are kept in `demo-credentials.json` (mode 0600)
 * next to the database. That is for the demo's throwaway data directory only; nothing else writes secrets
 * to disk.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ActorOperations } from '@tollgate/core';

export const DEMO_API = 'https://demo.tollgate.local/api';
export const DEMO_API_SCOPES: readonly string[] = ['read:data', 'validate:email'];
export const DEMO_USERNAME = 'demo';
/** Deliberately without `validate:email`: the story shows the 403 that gets. */
export const DEMO_USER_SCOPES: readonly string[] = ['read:data'];
export const GATEWAY_CLIENT_NAME = 'tollgate-demo-gateway';
export const CREDENTIALS_FILE = 'demo-credentials.json';

export interface DemoCredentials {
  password: string;
  gatewayClient: { clientId: string; clientSecret: string };
}

export interface DemoSeed extends DemoCredentials {
  /** Whether the demo API is the default one, so the login needs no `resource`. */
  apiIsDefault: boolean;
  /** What this run had to create; empty on a second run. */
  created: string[];
}

function sameScopes(actual: readonly string[], expected: readonly string[]): boolean {
  return actual.length === expected.length && expected.every((scope) => actual.includes(scope));
}

function readCredentials(file: string): Partial<DemoCredentials> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return {};
  }
  if (typeof parsed !== 'object' || parsed === null) return {};
  const { password, gatewayClient } = parsed as Record<string, unknown>;
  const client = gatewayClient as Record<string, unknown> | undefined;
  return {
    ...(typeof password === 'string' ? { password } : {}),
    ...(typeof client?.clientId === 'string' && typeof client.clientSecret === 'string'
      ? { gatewayClient: { clientId: client.clientId, clientSecret: client.clientSecret } }
      : {}),
  };
}

function writeCredentials(file: string, credentials: DemoCredentials): void {
  writeFileSync(file, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  // writeFileSync applies the mode only when it creates the file.
  chmodSync(file, 0o600);
}

/** 96 random bits in base64url: no character a shell or JSON would need escaped. */
function generatePassword(): string {
  return randomBytes(12).toString('base64url');
}

async function ensureApi(operations: ActorOperations, created: string[]): Promise<boolean> {
  const apis = await operations.apis.list();
  const existing = apis.find((api) => api.identifier === DEMO_API);
  if (existing === undefined) {
    const api = await operations.apis.create({
      identifier: DEMO_API,
      scopes: [...DEMO_API_SCOPES],
      isDefault: !apis.some((other) => other.isDefault),
    });
    created.push(`API ${DEMO_API}`);
    return api.isDefault;
  }
  if (!DEMO_API_SCOPES.every((scope) => existing.scopes.includes(scope))) {
    throw new Error(
      `the API ${DEMO_API} in this data directory lacks the scopes ${DEMO_API_SCOPES.join(' ')}: ` +
        'remove it (tollgate apis remove) or use a fresh --data directory',
    );
  }
  return existing.isDefault;
}

/** Reuses the demo user when its password is known; otherwise (re)creates it with a new one. */
async function ensureUser(operations: ActorOperations, known: string | undefined, created: string[]): Promise<string> {
  const existing = (await operations.users.list()).find((user) => user.username === DEMO_USERNAME);
  if (existing !== undefined && known !== undefined && sameScopes(existing.scopes, DEMO_USER_SCOPES)) return known;
  if (existing !== undefined) await operations.users.remove(existing.id);
  const password = generatePassword();
  await operations.users.create({ username: DEMO_USERNAME, password, scopes: [...DEMO_USER_SCOPES] });
  created.push(`user ${DEMO_USERNAME}`);
  return password;
}

async function ensureGatewayClient(
  operations: ActorOperations,
  known: DemoCredentials['gatewayClient'] | undefined,
  created: string[],
): Promise<DemoCredentials['gatewayClient']> {
  const clients = await operations.clients.list();
  if (known !== undefined && clients.some((client) => client.id === known.clientId)) return known;
  // A demo client whose secret was lost is of no use to anyone: replace it rather than pile them up.
  for (const stale of clients.filter((client) => client.name === GATEWAY_CLIENT_NAME)) {
    await operations.clients.remove(stale.id);
  }
  const { client, clientSecret } = await operations.clients.create({
    name: GATEWAY_CLIENT_NAME,
    scopes: [],
    apis: [DEMO_API],
    grantTypes: ['client_credentials'],
  });
  created.push(`client ${GATEWAY_CLIENT_NAME}`);
  return { clientId: client.id, clientSecret };
}

/** Through the operator's management operations, as every CLI change: authorised, audited, revocations published. */
export async function ensureDemoSeed(operations: ActorOperations, dataDir: string): Promise<DemoSeed> {
  const file = join(dataDir, CREDENTIALS_FILE);
  const known = readCredentials(file);
  const created: string[] = [];
  const apiIsDefault = await ensureApi(operations, created);
  const password = await ensureUser(operations, known.password, created);
  const gatewayClient = await ensureGatewayClient(operations, known.gatewayClient, created);
  if (created.length > 0) writeCredentials(file, { password, gatewayClient });
  return { password, gatewayClient, apiIsDefault, created };
}
