/**
 * The storage contract suite (core/src/storage/): every store must pass it, whatever it keeps its data in. One
 * node:test suite per domain; `open` must return a fresh, empty, ready (migrated) store each time, since every test
 * opens its own, and the suite closes it after the test.
 */
import { describe } from 'node:test';
import type { Store } from '../../storage/index.js';
import { apiContract, clientContract, userContract } from './accounts.js';
import { apiTokenCreditsContract } from './api-token-credits.js';
import { apiTokenGraceContract } from './api-token-grace.js';
import { apiTokenUsageContract } from './api-token-usage.js';
import { apiTokenContract } from './api-tokens.js';
import { auditContract } from './audit.js';
import { codeContract } from './codes.js';
import { copiesContract } from './copies.js';
import { grantContract } from './grants.js';
import { keyContract } from './keys.js';
import { revocationContract } from './revocations.js';
import { sessionContract } from './sessions.js';
import { updateContract } from './updates.js';
import { webhookContract } from './webhooks.js';

const DOMAINS = {
  apis: apiContract,
  users: userContract,
  clients: clientContract,
  keys: keyContract,
  grants: grantContract,
  codes: codeContract,
  revocations: revocationContract,
  updates: updateContract,
  apiTokens: apiTokenContract,
  apiTokenGrace: apiTokenGraceContract,
  apiTokenUsage: apiTokenUsageContract,
  apiTokenCredits: apiTokenCreditsContract,
  sessions: sessionContract,
  audit: auditContract,
  copies: copiesContract,
  webhooks: webhookContract,
} as const satisfies Record<string, (open: () => Promise<Store>) => void>;

export type ContractDomain = keyof typeof DOMAINS;

/** Every domain of the contract, in the order the suite runs them. */
export const CONTRACT_DOMAINS = Object.freeze(Object.keys(DOMAINS) as ContractDomain[]);

/**
 * The contract, or the named part of it: a store whose fresh store is slow to open (a PostgreSQL schema migrated
 * for every test) can run it from several test files at once, as long as together they name every domain.
 */
export function describeStoreContract(
  name: string,
  open: () => Promise<Store>,
  domains: readonly ContractDomain[] = CONTRACT_DOMAINS,
): void {
  describe(`storage contract: ${name}`, () => {
    for (const domain of domains) DOMAINS[domain](open);
  });
}
