/**
 * The storage contract suite (core/src/storage/): every store must pass it, SQLite and PostgreSQL
 * alike. `open` must return a fresh, empty, migrated store each time; the suite closes it after each test.
 */
import { describe } from 'node:test';
import type { Store } from '@tollgate/core';
import { apiContract, clientContract, userContract } from './contract/accounts.js';
import { apiTokenUsageContract } from './contract/api-token-usage.js';
import { apiTokenContract } from './contract/api-tokens.js';
import { auditContract } from './contract/audit.js';
import { grantContract } from './contract/grants.js';
import { keyContract } from './contract/keys.js';
import { revocationContract } from './contract/revocations.js';
import { sessionContract } from './contract/sessions.js';
import { updateContract } from './contract/updates.js';

export function describeStoreContract(name: string, open: () => Promise<Store>): void {
  describe(`storage contract: ${name}`, () => {
    apiContract(open);
    userContract(open);
    clientContract(open);
    keyContract(open);
    grantContract(open);
    revocationContract(open);
    updateContract(open);
    apiTokenContract(open);
    apiTokenUsageContract(open);
    sessionContract(open);
    auditContract(open);
  });
}
