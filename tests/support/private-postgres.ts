/**
 * A PostgreSQL cluster of the test's own, on a free loopback port, that the test may stop and start at
 * will (database-outage tests) without disturbing the shared server other tests use. Built from the
 * Debian binaries (/usr/lib/postgresql/<version>/bin); as root they run as the `postgres` user, since
 * PostgreSQL refuses to run as root. Every wait is bounded; the cluster is stopped and its directory
 * removed at the end, also when the test file dies.
 */
import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './ports.js';

const POSTGRES_ROOT = '/usr/lib/postgresql';
const COMMAND_TIMEOUT_MS = 60_000;

export interface PrivatePostgres {
  readonly port: number;
  /** `postgres://postgres@127.0.0.1:<port>/<database>` */
  url(database?: string): string;
  /** Creates a database (owned by `postgres`) and returns its URL. */
  createDatabase(name: string): Promise<string>;
  /** `pg_ctl start`, waiting until it accepts connections. */
  start(): Promise<void>;
  /** `pg_ctl stop -m immediate`: every connection is cut, as in a crash. */
  stop(): Promise<void>;
  /** SIGSTOP to the postmaster and every backend: connections stay open and nothing answers (a hung server). */
  freeze(): void;
  /** SIGCONT to the processes freeze() stopped. */
  thaw(): void;
  /** Stops (if running) and removes the cluster's directory. Idempotent. */
  destroy(): Promise<void>;
}

/** The newest installed version's bin directory holding both initdb and pg_ctl, if any. */
function binDirectory(): string | undefined {
  if (!existsSync(POSTGRES_ROOT)) return undefined;
  const versions = readdirSync(POSTGRES_ROOT)
    .filter((name) => /^\d+$/.test(name))
    .sort((a, b) => Number(b) - Number(a));
  return versions
    .map((version) => join(POSTGRES_ROOT, version, 'bin'))
    .find((bin) => existsSync(join(bin, 'initdb')) && existsSync(join(bin, 'pg_ctl')));
}

const isRoot = process.getuid?.() === 0;

function postgresUserIds(): { uid: number; gid: number } | undefined {
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : undefined;
  } catch {
    return undefined;
  }
}

/** `false` when a private cluster can be made here, otherwise the message `node:test` shows for the skip. */
export function privatePostgresSkipReason(): string | false {
  if (binDirectory() === undefined) {
    return `no PostgreSQL server binaries (initdb, pg_ctl) under ${POSTGRES_ROOT}; install postgresql to run`;
  }
  if (isRoot && postgresUserIds() === undefined) return 'running as root but there is no postgres user to run initdb';
  if (isRoot && !existsSync('/usr/sbin/runuser') && !existsSync('/sbin/runuser')) {
    return 'running as root but runuser is missing';
  }
  return false;
}

/** Runs a PostgreSQL binary as the postgres user when we are root, as ourselves otherwise. */
function run(binary: string, args: readonly string[]): Promise<string> {
  const [command, fullArgs] = isRoot ? ['runuser', ['-u', 'postgres', '--', binary, ...args]] : [binary, [...args]];
  return new Promise((resolve, reject) => {
    execFile(command, fullArgs, { timeout: COMMAND_TIMEOUT_MS, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${binary} ${args.join(' ')} failed: ${error.message}\n${stdout}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

/** The process and all its descendants, parents first, read from /proc. */
function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The command name may hold spaces or parentheses: the parent pid is the second field after the last ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
    } catch {
      // Exited while we looked.
    }
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i += 1) tree.push(...(children.get(tree[i] as number) ?? []));
  return tree;
}

function signalAll(pids: readonly number[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // Exited meanwhile.
    }
  }
}

const live = new Set<{ stopSync(): void }>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const cluster of live) cluster.stopSync();
  });
}

/** initdb + start. Throws when it cannot; call `privatePostgresSkipReason()` first to skip instead. */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = binDirectory();
  if (bin === undefined) throw new Error(privatePostgresSkipReason() || 'no PostgreSQL binaries');
  const directory = mkdtempSync(join(tmpdir(), 'tollgate-pg-'));
  const dataDir = join(directory, 'data');
  const ids = isRoot ? postgresUserIds() : undefined;
  if (ids) chownSync(directory, ids.uid, ids.gid);
  const port = await freePort();
  const pgCtl = join(bin, 'pg_ctl');
  // Throwaway data: no fsync, so initdb and every commit are fast.
  const serverOptions = `-p ${port} -k ${directory} -c listen_addresses=127.0.0.1 -c fsync=off`;
  let running = false;
  let destroyed = false;
  let frozen: number[] = [];
  const thaw = () => {
    signalAll(frozen, 'SIGCONT');
    frozen = [];
  };
  const entry = {
    stopSync() {
      thaw();
      try {
        if (running) {
          const args = ['-D', dataDir, '-m', 'immediate', 'stop'];
          if (isRoot) execFileSync('runuser', ['-u', 'postgres', '--', pgCtl, ...args], { stdio: 'ignore' });
          else execFileSync(pgCtl, args, { stdio: 'ignore' });
        }
      } catch {
        // Already gone.
      }
      rmSync(directory, { recursive: true, force: true });
    },
  };
  live.add(entry);
  installExitHook();

  const cluster: PrivatePostgres = {
    port,
    url: (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`,
    async createDatabase(name) {
      const client = new pg.Client({ connectionString: cluster.url(), connectionTimeoutMillis: 5000 });
      await client.connect();
      try {
        await client.query(`create database ${client.escapeIdentifier(name)}`);
      } finally {
        await client.end();
      }
      return cluster.url(name);
    },
    async start() {
      await run(pgCtl, ['-D', dataDir, '-o', serverOptions, '-l', join(directory, 'server.log'), '-w', 'start']);
      running = true;
    },
    freeze() {
      if (!running) throw new Error('the cluster is not running');
      const postmaster = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
      // The postmaster first, so it forks no new backend that would escape the freeze.
      frozen = processTree(postmaster);
      signalAll(frozen, 'SIGSTOP');
    },
    thaw,
    async stop() {
      thaw();
      if (!running) return;
      await run(pgCtl, ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
      running = false;
    },
    async destroy() {
      if (destroyed) return;
      destroyed = true;
      await cluster.stop().catch(() => undefined);
      live.delete(entry);
      rmSync(directory, { recursive: true, force: true });
    },
  };
  try {
    await run(join(bin, 'initdb'), ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
    await cluster.start();
  } catch (error) {
    await cluster.destroy();
    throw error;
  }
  return cluster;
}
