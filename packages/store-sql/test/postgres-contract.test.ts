/** The second half of the storage contract on PostgreSQL (the first runs in postgres.test.ts), in parallel with it. */
import { describe } from 'node:test';
import { describeStoreContract } from '@tollgate/core/testing';
import { POSTGRES_CONTRACT_SECOND_HALF } from './fixtures/contract-halves.js';
import { openInFreshSchema, postgresSkipReason } from './fixtures/postgres.js';

const skip = await postgresSkipReason();

describe('PostgreSQL', { skip }, () => {
  describeStoreContract('PostgreSQL, second half', () => openInFreshSchema(), POSTGRES_CONTRACT_SECOND_HALF);
});
