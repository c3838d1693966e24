/**
 * Adding APIs from several Tollgate nodes (or CLI processes) at once, each with its own store on one database: the
 * first API still becomes the default, exactly one API is the default afterwards, nobody gets a spurious Conflict,
 * and an API added with `isDefault` at the same moment as implicit ones stays the default. Runs on SQLite (stores on
 * one file) and, when the shared server answers, on PostgreSQL (stores on one database, a pool each).
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  DEFAULT_BRUTE_FORCE_LIMITS,
  generateEncryptionSecret,
  parseEncryptionKey,
  type Store,
  Tollgate,
  OPERATOR,
} from '@tollgate/core';
import { openPostgresStore, openSqliteStore } from '@tollgate/store-sql';
import { createThrowawayDatabase, sharedPostgresSkipReason } from './support/postgres-database.js';

const NODES = 6;
const ROUNDS = 5;

async function openNodes(openStore: () => Promise<Store>): Promise<{ nodes: Tollgate[]; close: () => Promise<void> }> {
  const encryptionKey = parseEncryptionKey(generateEncryptionSecret());
  const stores: Store[] = [];
  const nodes: Tollgate[] = [];
  // One after the other: the first creates the schema and the signing key, the others find them.
  for (let i = 0; i < NODES; i++) {
    const store = await openStore();
    stores.push(store);
    nodes.push(
      await Tollgate.open(
        {
          issuer: 'https://auth.example.test',
          signingAlgorithm: 'EdDSA',
          refreshTokenTtlSeconds: 86_400,
          defaultAccessTokenTtlSeconds: 900,
          clockToleranceSeconds: 5,
          passwordLogin: false,
          bruteForce: DEFAULT_BRUTE_FORCE_LIMITS,
        },
        { store, encryptionKey },
      ),
    );
  }
  return {
    nodes,
    async close() {
      for (const node of nodes) node.close();
      await Promise.all(stores.map((store) => store.close()));
    },
  };
}

async function defaults(node: Tollgate): Promise<string[]> {
  return (await node.as(OPERATOR).apis.list()).filter((api) => api.isDefault).map((api) => api.identifier);
}

async function removeAll(node: Tollgate): Promise<void> {
  for (const { identifier } of await node.as(OPERATOR).apis.list()) await node.as(OPERATOR).apis.remove(identifier);
}

function concurrentAddGuarantees(open: () => Promise<{ nodes: Tollgate[]; close: () => Promise<void> }>): void {
  let nodes: Tollgate[] = [];
  let close = async () => {};
  before(async () => ({ nodes, close } = await open()));
  after(() => close());
  const first = () => nodes[0] as Tollgate;

  it(`makes exactly one of ${NODES} APIs added at once the default, failing none`, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      await removeAll(first());
      const added = await Promise.all(
        nodes.map((node, i) =>
          node.as(OPERATOR).apis.create({ identifier: `https://r${round}-n${i}.example.test`, scopes: [] }),
        ),
      );
      const reported = added.filter((api) => api.isDefault).map((api) => api.identifier);
      assert.equal(reported.length, 1, `round ${round}: one add reports being the default`);
      assert.deepEqual(await defaults(first()), reported, `round ${round}: and it is the stored default`);
    }
  });

  it('keeps an API added as the default at the same moment as implicit ones the default', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      await removeAll(first());
      const explicitNode = round % NODES;
      const explicit = `https://explicit-${round}.example.test`;
      await Promise.all(
        nodes.map((node, i) =>
          i === explicitNode
            ? node.as(OPERATOR).apis.create({ identifier: explicit, scopes: [], isDefault: true })
            : node.as(OPERATOR).apis.create({ identifier: `https://r${round}-n${i}.example.test`, scopes: [] }),
        ),
      );
      assert.deepEqual(await defaults(first()), [explicit], `round ${round}`);
    }
  });
}

describe('concurrent API adds on SQLite (one file, a store per node)', () => {
  let directory = '';
  concurrentAddGuarantees(async () => {
    directory = await mkdtemp(join(tmpdir(), 'tollgate-apis-'));
    const file = join(directory, 'tollgate.sqlite');
    return openNodes(() => openSqliteStore({ file }));
  });
  after(() => rm(directory, { recursive: true, force: true }));
});

const postgresSkip = await sharedPostgresSkipReason();

describe('concurrent API adds on PostgreSQL (one database, a pool per node)', { skip: postgresSkip }, () => {
  let drop = async () => {};
  concurrentAddGuarantees(async () => {
    const database = await createThrowawayDatabase();
    drop = database.drop;
    return openNodes(() => openPostgresStore({ connectionString: database.url() }));
  });
  after(() => drop());
});
