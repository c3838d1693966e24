/**
 * `startup`: how soon a server answers and what it holds idle, beside oidc-provider, and what the read-only CLI
 * commands cost:
 *   - `tollgate start` on an existing data directory (made and seeded by a first, untimed start) until the first
 *     200 on /.well-known/oauth-authorization-server, against the oidc-provider program (an existing signing key
 *     and SQLite file) until its first 200 on /.well-known/openid-configuration; starts alternate;
 *   - the server's RSS once it has been idle for a second after that first 200;
 *   - wall time of `tollgate --version`, `tollgate apis list`, `tollgate tokens list`, and of `node -e 0`, which
 *     no Node command can beat.
 * Medians of BENCH_STARTS (default 5) runs; every process pinned to the server core when the machine allows.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { stopProcess } from './children.js';
import { formatInteger, markdownTable, median } from './markdown.js';
import { formatRatio } from './peer-table.js';
import { OIDC_PROVIDER_SCRIPT, oidcProviderDirectory } from './peers/oidc-provider.js';
import { type Pinning, pinLoadGenerator } from './pinning.js';
import { processRssBytes } from './proc-stat.js';
import { freePort } from './scale-infra.js';
import { API } from './seed.js';
import { serverEnvironment, TOLLGATE_BIN } from './server.js';

const STARTS = Number(process.env.BENCH_STARTS) || 5;
const READY_TIMEOUT_MS = 30_000;
const POLL_MS = 5;
const IDLE_MS = 1_000;
const MIB = 2 ** 20;

interface Start {
  readyMs: number;
  idleRssBytes: number;
}

export interface StartupReport {
  table: string;
  pinning: string;
  startupRatio: number;
  idleRssRatio: number;
}

async function answers200(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false;
  }
}

/** Spawns `node args`, times it to the first 200 on `url`, reads its idle RSS, and stops it. */
async function timeStart(
  args: readonly string[],
  url: string,
  env: NodeJS.ProcessEnv,
  pinning: Pinning,
): Promise<Start> {
  const started = performance.now();
  const child = spawn(process.execPath, [...args], { env, stdio: 'ignore' });
  pinning.pinServer(child.pid);
  try {
    while (!(await answers200(url))) {
      if (child.exitCode !== null || performance.now() - started > READY_TIMEOUT_MS) {
        throw new Error(`${args.join(' ')} gave no 200 on ${url} (exit code ${child.exitCode})`);
      }
      await sleep(POLL_MS);
    }
    const readyMs = performance.now() - started;
    await sleep(IDLE_MS);
    return { readyMs, idleRssBytes: processRssBytes(child.pid as number) };
  } finally {
    await stopProcess(child);
  }
}

/** Wall time of `node args` to its exit, which must be 0. */
async function timeCommand(args: readonly string[], env: NodeJS.ProcessEnv, pinning: Pinning): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, [...args], { env, stdio: 'ignore' });
  pinning.pinServer(child.pid);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`node ${args.join(' ')} exited with ${code}`);
  return performance.now() - started;
}

async function medianOf<T>(runs: number, run: () => Promise<T>, pick: (value: T) => number): Promise<number> {
  const values: number[] = [];
  for (let index = 0; index < runs; index++) values.push(pick(await run()));
  return median(values);
}

const NODE_ALONE = ['-e', '0'];

function row(name: string, tollgate: number, peer: number | undefined, unit: (value: number) => string): string[] {
  return [name, unit(tollgate), peer === undefined ? '—' : unit(peer), formatRatio(peer && tollgate / peer)];
}

export async function runStartupBench(): Promise<StartupReport> {
  const workDir = mkdtempSync(join(tmpdir(), 'tollgate-bench-startup-'));
  const peerDirectory = oidcProviderDirectory('EdDSA');
  const pinning = pinLoadGenerator();
  try {
    const env = serverEnvironment();
    const dataDir = join(workDir, 'data');
    const port = await freePort();
    const tollgate = [TOLLGATE_BIN, 'start', '--port', String(port), '--host', '127.0.0.1', '--data', dataDir];
    const tollgateUrl = `http://127.0.0.1:${port}/.well-known/oauth-authorization-server`;
    const peerPort = await freePort();
    const peer = [
      fileURLToPath(new URL(`./${OIDC_PROVIDER_SCRIPT}`, import.meta.url)),
      String(peerPort),
      peerDirectory.path,
    ];
    const peerUrl = `http://127.0.0.1:${peerPort}/.well-known/openid-configuration`;
    // First starts, not timed: they make the data directory and the SQLite file that the timed starts find.
    await timeStart(tollgate, tollgateUrl, env, pinning);
    await timeStart(peer, peerUrl, env, pinning);
    const cli = (...args: string[]) => [TOLLGATE_BIN, ...args, '--data', dataDir, '--json'];
    await timeCommand(cli('apis', 'add', API, '--scopes', 'read:data write:data', '--default'), env, pinning);
    await timeCommand(cli('clients', 'add', 'bench', '--scopes', 'read:data write:data'), env, pinning);
    process.stderr.write(`measuring start-up: ${STARTS} starts each, alternating, and the CLI...\n`);
    const ours: Start[] = [];
    const theirs: Start[] = [];
    for (let run = 0; run < STARTS; run++) {
      ours.push(await timeStart(tollgate, tollgateUrl, env, pinning));
      theirs.push(await timeStart(peer, peerUrl, env, pinning));
    }
    const middle = (starts: Start[], pick: (start: Start) => number) => median(starts.map(pick));
    const ready = [middle(ours, (start) => start.readyMs), middle(theirs, (start) => start.readyMs)] as const;
    const rss = [middle(ours, (start) => start.idleRssBytes), middle(theirs, (start) => start.idleRssBytes)] as const;
    const command = (args: string[]) =>
      medianOf(
        STARTS,
        () => timeCommand(args, env, pinning),
        (ms) => ms,
      );
    const ms = (value: number) => formatInteger(value);
    const mib = (value: number) => (value / MIB).toFixed(1);
    const rows = [
      row('start on an existing data directory to first 200 (ms)', ready[0], ready[1], ms),
      row('server RSS, idle after start (MiB)', rss[0], rss[1], mib),
      row('`node -e 0`, the floor for any Node command (ms)', await command(NODE_ALONE), undefined, ms),
      row('`tollgate --version` (ms)', await command([TOLLGATE_BIN, '--version']), undefined, ms),
      row('`tollgate apis list` (ms)', await command(cli('apis', 'list')), undefined, ms),
      row('`tollgate tokens list` (ms)', await command(cli('tokens', 'list')), undefined, ms),
    ];
    return {
      table: markdownTable(
        [`Start-up and CLI, median of ${STARTS}`, 'Tollgate', 'oidc-provider', 'Tollgate ÷ peer'],
        rows,
      ),
      pinning: pinning.description,
      startupRatio: ready[0] / ready[1],
      idleRssRatio: rss[0] / rss[1],
    };
  } finally {
    pinning.release();
    peerDirectory.remove();
    rmSync(workDir, { recursive: true, force: true });
  }
}
