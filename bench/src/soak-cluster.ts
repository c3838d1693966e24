/**
 * What the soak run stands up on 127.0.0.1: two `tollgate start` nodes on one PostgreSQL database and one
 * private Redis, a TCP balancer in this process at the shared issuer URL (so the gateways, and the tokens'
 * `iss`, name one origin whatever node is down), an upstream and two gateways in their own processes.
 * A node can be killed with SIGKILL and replaced; Redis can be restarted on its port.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { type Child, startChild } from './children.js';
import { type BenchRedis, freePort } from './scale-infra.js';
import { API } from './seed.js';
import { type BenchServer, startServer } from './server.js';

/** What a gateway authenticates as at the nodes. */
export interface GatewayClient {
  client: { clientId: string; clientSecret: string };
}

export interface SoakCluster {
  issuer: string;
  /** The live node at `index`, or undefined while it is down. */
  node(index: number): BenchServer | undefined;
  /** Any node that is up (the load's target while the other is being replaced). */
  anyNode(index: number): BenchServer | undefined;
  /** SIGKILL node `index`, then start a replacement on the same database. */
  crashAndReplace(index: number): Promise<void>;
  gateways: Child[];
  /** Every process of the run by role, for RSS: nodes, gateways, upstream, Redis. */
  pids(): Map<string, number | undefined>;
  /** Starts the two gateways once the fixture exists (they need a client). */
  startGateways(seeded: GatewayClient, dir: string): Promise<void>;
  stop(): Promise<void>;
}

/** A TCP balancer: each connection to the next node that accepts it; a node that refuses is skipped. */
function startBalancer(port: number, targets: () => string[]): Promise<{ close(): Promise<void> }> {
  let turn = 0;
  const tryConnect = (client: Socket, candidates: string[]) => {
    const target = candidates.shift();
    if (target === undefined) {
      client.destroy();
      return;
    }
    const url = new URL(target);
    const upstream = connect({ host: url.hostname, port: Number(url.port) });
    upstream.once('error', () => tryConnect(client, candidates));
    upstream.once('connect', () => {
      upstream.removeAllListeners('error');
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
      client.pipe(upstream).pipe(client);
      client.resume();
    });
  };
  const sockets = new Set<Socket>();
  const server = createServer({ pauseOnConnect: true }, (client) => {
    sockets.add(client);
    client.once('close', () => sockets.delete(client));
    const live = targets();
    turn += 1;
    const first = turn % Math.max(1, live.length);
    tryConnect(client, [...live.slice(first), ...live.slice(0, first)]);
  });
  // close() waits for open connections (the gateways' revocation streams): end them too.
  const close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve({ close }));
  });
}

function writeGatewayConfig(
  dir: string,
  name: string,
  issuer: string,
  seeded: GatewayClient,
  upstream: string,
): string {
  const file = join(dir, `${name}.json`);
  const config = {
    listen: { host: '127.0.0.1', port: 0 },
    issuer,
    audience: API,
    client: seeded.client,
    logLevel: 'warn',
    routes: [{ path: '/data', methods: ['GET'], upstream, scopes: ['read:data'] }],
  };
  writeFileSync(file, JSON.stringify(config, null, 2), { mode: 0o600 });
  return file;
}

export async function startSoakCluster(databaseUrl: string, redis: BenchRedis): Promise<SoakCluster> {
  const issuerPort = await freePort();
  const issuer = `http://127.0.0.1:${issuerPort}`;
  const env: Record<string, string> = {
    DATABASE_URL: databaseUrl,
    REDIS_URL: redis.url,
    TOLLGATE_ISSUER: issuer,
    TOLLGATE_ENCRYPTION_KEY: randomBytes(32).toString('base64url'),
  };
  const nodes: (BenchServer | undefined)[] = [];
  // One after the other: the first applies the migrations, the second finds them done.
  nodes.push(await startServer({ env }));
  nodes.push(await startServer({ env }));
  const balancer = await startBalancer(issuerPort, () =>
    nodes.flatMap((node) => (node === undefined ? [] : [node.url])),
  );
  const gateways: Child[] = [];
  let upstream: Child | undefined;
  return {
    issuer,
    gateways,
    node: (index) => nodes[index],
    anyNode: (index) => nodes[index] ?? nodes.find((node) => node !== undefined),
    async crashAndReplace(index) {
      const node = nodes[index];
      nodes[index] = undefined;
      await node?.kill9();
      nodes[index] = await startServer({ env });
    },
    pids() {
      const pids = new Map<string, number | undefined>();
      for (const [index, node] of nodes.entries()) pids.set(`server ${'AB'[index]}`, node?.pid);
      for (const [index, gateway] of gateways.entries()) pids.set(`gateway ${index + 1}`, gateway.pid);
      pids.set('upstream', upstream?.pid);
      pids.set('redis-server', redis.pid());
      pids.set('load generator (this process)', process.pid);
      return pids;
    },
    async startGateways(seeded, dir) {
      upstream = await startChild('bench-upstream.js', []);
      for (const name of ['gateway-1', 'gateway-2']) {
        const file = writeGatewayConfig(dir, name, issuer, seeded, upstream.url);
        gateways.push(await startChild('gateway-runner.js', [file]));
      }
    },
    async stop() {
      await Promise.all(gateways.map((gateway) => gateway.stop()));
      await upstream?.stop();
      await Promise.all(nodes.map((node) => node?.stop()));
      await balancer.close();
    },
  };
}

/** Resident set size in KiB from /proc/<pid>/status (VmRSS), or undefined when the process is gone. */
export function rssKib(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}
