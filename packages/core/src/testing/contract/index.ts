/**
 * The storage contract suite (core/src/storage/): every store must pass it, whatever it keeps its data in. One
 * node:test suite per domain; `open` must return a fresh, empty, ready (migrated) store each time, since every test
 * opens its own, and the suite closes it after the test.
 */
import { describe } from 'node:test';
import type { Store } from '../../storage/index.js';
import { apiContract, clientContract, userContract } from './accounts.js';
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

export function describeStoreContract(name: string, open: () => Promise<Store>): void {
  describe(`storage contract: ${name}`, () => {
    apiContract(open);
    userContract(open);
    clientContract(open);
    keyContract(open);
    grantContract(open);
    codeContract(open);
    revocationContract(open);
    updateContract(open);
    apiTokenContract(open);
    apiTokenGraceContract(open);
    apiTokenUsageContract(open);
    sessionContract(open);
    auditContract(open);
    copiesContract(open);
  });
}
