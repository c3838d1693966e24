/**
 * `startup`: how soon a server answers and what it holds idle, beside oidc-provider, and what the read-only CLI
 * commands cost:
 *   - `tollgate start` on an existing data directory (made and seeded by a first, untimed start) until the first
 *     200 on /.well-known/oauth-authorization-server, against the oidc-provider program (an existing signing key
 *     and SQLite file) until its first 200 on /.well-known/openid-configuration; starts alternate;
 *   - the server's RSS once it has been idle for a second after that first 200;
 *   - wall time of `tollgate --version`, `tollgate apis list`, `tollgate tokens list`, and of `node -e 0`, which
 *     no Node command can beat;
 *   - beside each time, the CPU time (user + system) the process spent in it, which moves far less than wall
 *     time on a loaded machine: a server's to its first 200 from its threads' scheduler run times
 *     (`liveThreadsCpuNanos`, to the nanosecond), a command's from the kernel's accounting of the finished child
 *     (bash's `time` keyword: getrusage, printed to the millisecond);
 *   - when the environment names NODE_EXTRA_CA_CERTS, all of it again with that variable removed from the
 *     children's environment (both servers alike): Node parses the named CA bundle before any JavaScript runs,
 *     which on a machine whose bundle is the whole system store is a large share of the floor, and it is a
 *     setting of that machine, not of Tollgate's or of a user's.
 * Medians of BENCH_STARTS (default 5) runs; every process pinned to the server core when the machine allows.
 * The summary's ratios are those of the environment as it is.
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
import { liveThreadsCpuNanos, processRssBytes } from './proc-stat.js';
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
  /** User + system time of the server's threads up to its first 200. */
  readyCpuMs: number;
  idleRssBytes: number;
}

/** Wall and CPU time of one command, to its exit. */
interface Run {
  wallMs: number;
  cpuMs: number;
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
    const readyCpuMs = liveThreadsCpuNanos(child.pid as number) / 1e6;
    await sleep(IDLE_MS);
    return { readyMs, readyCpuMs, idleRssBytes: processRssBytes(child.pid as number) };
  } finally {
    await stopProcess(child);
  }
}

/**
 * Runs `node args` under bash's `time` keyword, which reads the finished child's CPU time from the kernel
 * (getrusage; bash adds its own, well under a millisecond, for the fork and the wait). Bash waits for a line on
 * stdin before it forks, so that the child is pinned from its first instruction on.
 */
const TIMED = 'read -r _; exec </dev/null; TIMEFORMAT="%3R %3U %3S"; time "$@" >/dev/null 2>&1';

/** Wall and CPU time of `node args` to its exit, which must be 0. */
async function timeCommand(args: readonly string[], env: NodeJS.ProcessEnv, pinning: Pinning): Promise<Run> {
  const shell = spawn('bash', ['-c', TIMED, 'bash', process.execPath, ...args], {
    env,
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  pinning.pinServer(shell.pid);
  shell.stdin.end('\n');
  let report = '';
  shell.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    report += chunk;
  });
  const code = await new Promise<number | null>((resolve) => shell.once('close', resolve));
  if (code !== 0) throw new Error(`node ${args.join(' ')} exited with ${code}`);
  const [real, user, system] = report.trim().split(' ').map(Number);
  if (real === undefined || user === undefined || system === undefined || Number.isNaN(real + user + system)) {
    throw new Error(`unreadable timing of node ${args.join(' ')}: ${report}`);
  }
  return { wallMs: real * 1_000, cpuMs: (user + system) * 1_000 };
}

async function runs(count: number, run: () => Promise<Run>): Promise<Run[]> {
  const measured: Run[] = [];
  for (let index = 0; index < count; index++) measured.push(await run());
  return measured;
}

const NODE_ALONE = ['-e', '0'];
const CA_VARIABLE = 'NODE_EXTRA_CA_CERTS';

/** Median wall and CPU time of runs, Tollgate's and the peer's (absent for commands the peer has none of). */
interface Timed {
  ours: Run;
  peer?: Run;
}

function medianRun(measured: readonly Run[]): Run {
  return { wallMs: median(measured.map((run) => run.wallMs)), cpuMs: median(measured.map((run) => run.cpuMs)) };
}

const ms = (value: number) => formatInteger(value);
const mib = (value: number) => (value / MIB).toFixed(1);

function timeRow(name: string, { ours, peer }: Timed): string[] {
  return [
    name,
    ms(ours.wallMs),
    ms(ours.cpuMs),
    peer === undefined ? '—' : ms(peer.wallMs),
    peer === undefined ? '—' : ms(peer.cpuMs),
    formatRatio(peer && ours.wallMs / peer.wallMs),
    formatRatio(peer && ours.cpuMs / peer.cpuMs),
  ];
}

function rssRow(name: string, ours: number, peer: number): string[] {
  return [name, mib(ours), '—', mib(peer), '—', formatRatio(ours / peer), '—'];
}

/** One environment's measurements: the servers' starts (alternating) and the commands. */
interface Variant {
  label: string;
  env: NodeJS.ProcessEnv;
  ours: Start[];
  theirs: Start[];
}

export async function runStartupBench(): Promise<StartupReport> {
  const workDir = mkdtempSync(join(tmpdir(), 'tollgate-bench-startup-'));
  const peerDirectory = oidcProviderDirectory('EdDSA');
  const pinning = pinLoadGenerator();
  try {
    const env = serverEnvironment();
    const { [CA_VARIABLE]: caBundle, ...withoutCaBundle } = env;
    const variants: Variant[] = [{ label: '', env, ours: [], theirs: [] }];
    if (caBundle !== undefined) {
      variants.push({ label: `, without ${CA_VARIABLE}`, env: withoutCaBundle, ours: [], theirs: [] });
    }
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
    process.stderr.write(
      `measuring start-up: ${STARTS} starts each, alternating, in ${variants.length} environment(s), and the CLI...\n`,
    );
    for (let run = 0; run < STARTS; run++) {
      for (const variant of variants) {
        variant.ours.push(await timeStart(tollgate, tollgateUrl, variant.env, pinning));
        variant.theirs.push(await timeStart(peer, peerUrl, variant.env, pinning));
      }
    }
    const startRun = (start: Start): Run => ({ wallMs: start.readyMs, cpuMs: start.readyCpuMs });
    const idleRss = (starts: Start[]) => median(starts.map((start) => start.idleRssBytes));
    const rows: string[][] = [];
    for (const { label, env: variantEnv, ours, theirs } of variants) {
      const command = async (args: string[]): Promise<Timed> => ({
        ours: medianRun(await runs(STARTS, () => timeCommand(args, variantEnv, pinning))),
      });
      const ready = { ours: medianRun(ours.map(startRun)), peer: medianRun(theirs.map(startRun)) };
      rows.push(
        timeRow(`start on an existing data directory to first 200 (ms)${label}`, ready),
        rssRow(`server RSS, idle after start (MiB)${label}`, idleRss(ours), idleRss(theirs)),
        timeRow(`\`node -e 0\`, the floor for any Node command (ms)${label}`, await command(NODE_ALONE)),
        timeRow(`\`tollgate --version\` (ms)${label}`, await command([TOLLGATE_BIN, '--version'])),
        timeRow(`\`tollgate apis list\` (ms)${label}`, await command(cli('apis', 'list'))),
        timeRow(`\`tollgate tokens list\` (ms)${label}`, await command(cli('tokens', 'list'))),
      );
    }
    const [asIs] = variants as [Variant];
    return {
      table: markdownTable(
        [
          `Start-up and CLI, median of ${STARTS}`,
          'Tollgate',
          'Tollgate CPU (ms)',
          'oidc-provider',
          'oidc-provider CPU (ms)',
          'Tollgate ÷ peer',
          'Tollgate ÷ peer, CPU',
        ],
        rows,
      ),
      pinning: pinning.description,
      startupRatio: median(asIs.ours.map((start) => start.readyMs)) / median(asIs.theirs.map((start) => start.readyMs)),
      idleRssRatio: idleRss(asIs.ours) / idleRss(asIs.theirs),
    };
  } finally {
    pinning.release();
    peerDirectory.remove();
    rmSync(workDir, { recursive: true, force: true });
  }
}
