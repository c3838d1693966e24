/**
 * The `peers` section's store rows: Tollgate's client_credentials (EdDSA) on PostgreSQL, and on PostgreSQL with Redis
 * (what several nodes run), measured in the same rounds as Tollgate on SQLite, so the cost of the database shows as a
 * ratio (issue 12: PostgreSQL within 1.25x of SQLite). Each server gets a throwaway database on BENCH_POSTGRES_URL and
 * a private redis-server (scale-infra.ts), seeded as the SQLite one. Only the Tollgate process is measured: what
 * PostgreSQL and Redis spend is not in its CPU time. Without PostgreSQL, or redis-server, the rows are skipped with
 * the reason.
 */
import { formatRatio, ratioTable } from './peer-table.js';
import type { LoadTarget, Measured } from './rounds.js';
import { type BenchDatabase, type BenchRedis, createBenchDatabase, startBenchRedis } from './scale-infra.js';
import { seed, TOKEN_REQUEST_BODY } from './seed.js';
import { type BenchServer, startServer } from './server.js';

export interface StoreRows {
  targets: LoadTarget[];
  skipped: string[];
  stop(): Promise<void>;
}

async function tokenTarget(name: string, env: Record<string, string>, started: BenchServer[]): Promise<LoadTarget> {
  const server = await startServer({ env: { TOLLGATE_SIGNING_ALGORITHM: 'EdDSA', ...env } });
  started.push(server);
  const { authorization } = await seed(server);
  if (server.pid === undefined) throw new Error(`${name}: no process id to measure`);
  const headers = { authorization, 'content-type': 'application/x-www-form-urlencoded' };
  return { name, url: `${server.url}/token`, pid: server.pid, method: 'POST', headers, body: TOKEN_REQUEST_BODY };
}

/** Tollgate on PostgreSQL, then on PostgreSQL with Redis: started, seeded, ready to be measured. */
export async function startStoreRows(): Promise<StoreRows> {
  const databases: BenchDatabase[] = [];
  const servers: BenchServer[] = [];
  let redis: BenchRedis | undefined;
  const stop = async () => {
    await Promise.allSettled(servers.map((server) => server.stop()));
    await Promise.allSettled([...databases.map((database) => database.drop()), redis?.kill()]);
  };
  const rows: StoreRows = { targets: [], skipped: [], stop };
  try {
    for (const withRedis of [false, true]) {
      const database = await createBenchDatabase();
      if ('unavailable' in database) {
        rows.skipped.push(`PostgreSQL rows skipped: ${database.unavailable}`);
        return rows;
      }
      databases.push(database);
      const env: Record<string, string> = { DATABASE_URL: database.url };
      if (withRedis) {
        const started = await startBenchRedis();
        if ('unavailable' in started) {
          rows.skipped.push(`PostgreSQL + Redis row skipped: ${started.unavailable}`);
          return rows;
        }
        redis = started;
        env.REDIS_URL = started.url;
      }
      const name = `Tollgate on PostgreSQL${withRedis ? ' + Redis' : ''}: client_credentials, EdDSA JWT`;
      rows.targets.push(await tokenTarget(name, env, servers));
    }
    return rows;
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Each store row beside Tollgate on SQLite: its CPU per token and its rate, each ÷ SQLite's. */
export function storeTable(sqlite: Measured, rows: readonly Measured[]): string {
  return ratioTable(
    'POST /token, one Tollgate process each',
    ['÷ SQLite, CPU/request', '÷ SQLite, req/s'],
    [
      { row: sqlite, ratios: ['', ''] },
      ...rows.map((row) => ({
        row,
        ratios: [
          formatRatio(row.cpuMicrosPerRequest / sqlite.cpuMicrosPerRequest),
          formatRatio(row.requestsPerSecond / sqlite.requestsPerSecond),
        ] as [string, string],
      })),
    ],
  );
}
