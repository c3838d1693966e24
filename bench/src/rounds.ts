/**
 * Side-by-side HTTP measurement: every target stays up while they take turns in short rounds, in the order
 * given (ours, peer, ours, peer...), each round starting one further along, and the median round counts, so a
 * busy neighbour on this shared machine hits every target alike. A target's cost is the CPU time of the process
 * under test (from /proc, see proc-stat.ts) divided by the requests completed; the rate is shown beside it.
 */
import autocannon from 'autocannon';
import { median } from './markdown.js';
import { mainThreadCpuMicros, processCpuMicros } from './proc-stat.js';

export interface LoadTarget {
  name: string;
  url: string;
  /** The process whose CPU time a request to this target costs. */
  pid: number;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** One Authorization header per request, taken in turn, so nothing the target caches helps it. */
  authorizations?: readonly string[];
}

export interface RoundOptions {
  /** Shown on stderr while measuring. */
  label: string;
  rounds: number;
  secondsPerRound: number;
  connections: number;
  warmUpSeconds: number;
  /** Run after each round, no load running: a measurement that is not an HTTP target takes its turn there. */
  afterRound?: () => void;
}

export interface Measured {
  name: string;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  cpuMicrosPerRequest: number;
  /** The part of it spent on the process's main thread (its event loop, for a Node process). */
  mainThreadCpuMicrosPerRequest: number;
  requests: number;
  failures: number;
}

type Sample = Omit<Measured, 'name'>;

/**
 * Where each target's turn through its tokens stands. It goes on across the warm-up and every round: restarted at the
 * first token on each load, a list longer than the gateway's verification cache (12,000 against 10,000) would be
 * served from that cache from the second load on whenever a load takes fewer requests than the cache holds.
 */
const nextAuthorization = new WeakMap<LoadTarget, number>();

function rotatingAuthorization(target: LoadTarget, authorizations: readonly string[]): autocannon.Request {
  return {
    setupRequest: (request) => {
      const next = nextAuthorization.get(target) ?? 0;
      nextAuthorization.set(target, next + 1);
      const authorization = authorizations[next % authorizations.length] as string;
      return { ...request, headers: { ...request.headers, authorization } };
    },
  };
}

/** One real request first: a benchmark of refusals would measure nothing. */
export async function checkTarget(target: LoadTarget): Promise<void> {
  const authorization = target.authorizations?.[0];
  const response = await fetch(target.url, {
    method: target.method ?? 'GET',
    headers: { ...target.headers, ...(authorization === undefined ? {} : { authorization }) },
    body: target.body,
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${target.name}: ${target.url} answered ${response.status}: ${text}`);
}

async function load(target: LoadTarget, seconds: number, connections: number): Promise<Sample> {
  const cpuBefore = processCpuMicros(target.pid);
  const mainThreadBefore = mainThreadCpuMicros(target.pid);
  const result = await autocannon({
    url: target.url,
    method: target.method ?? 'GET',
    headers: target.headers ?? {},
    body: target.body,
    connections,
    duration: seconds,
    timeout: 10,
    ...(target.authorizations === undefined
      ? {}
      : { requests: [rotatingAuthorization(target, target.authorizations)] }),
  });
  const cpuMicros = processCpuMicros(target.pid) - cpuBefore;
  const mainThreadMicros = mainThreadCpuMicros(target.pid) - mainThreadBefore;
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    cpuMicrosPerRequest: cpuMicros / Math.max(1, result.requests.total),
    mainThreadCpuMicrosPerRequest: mainThreadMicros / Math.max(1, result.requests.total),
    requests: result.requests.total,
    failures: result.errors + result.timeouts + result.non2xx,
  };
}

export async function measureInRounds(targets: readonly LoadTarget[], options: RoundOptions): Promise<Measured[]> {
  const samples = targets.map(() => [] as Sample[]);
  for (const target of targets) {
    await checkTarget(target);
    await load(target, options.warmUpSeconds, options.connections);
  }
  for (let round = 0; round < options.rounds; round++) {
    process.stderr.write(
      `${options.label} round ${round + 1}/${options.rounds}: ${options.secondsPerRound} s per target, ` +
        `${options.connections} connections...\n`,
    );
    for (let turn = 0; turn < targets.length; turn++) {
      const index = (turn + round) % targets.length;
      samples[index]?.push(await load(targets[index] as LoadTarget, options.secondsPerRound, options.connections));
    }
    options.afterRound?.();
  }
  return targets.map((target, index) => {
    const taken = samples[index] ?? [];
    const middle = (pick: (sample: Sample) => number) => median(taken.map(pick));
    return {
      name: target.name,
      requestsPerSecond: middle((sample) => sample.requestsPerSecond),
      p50: middle((sample) => sample.p50),
      p99: middle((sample) => sample.p99),
      cpuMicrosPerRequest: middle((sample) => sample.cpuMicrosPerRequest),
      mainThreadCpuMicrosPerRequest: middle((sample) => sample.mainThreadCpuMicrosPerRequest),
      requests: taken.reduce((sum, sample) => sum + sample.requests, 0),
      failures: taken.reduce((sum, sample) => sum + sample.failures, 0),
    };
  });
}
