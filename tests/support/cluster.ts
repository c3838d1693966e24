/**
 * Several real `tollgate start` processes sharing one PostgreSQL database (and optionally one Redis), as they
 * would run behind a load balancer: one issuer, one encryption key, different listeners. Gateways are
 * each pinned to one node, the way a deployment's internal DNS would send them to the nearest
 * node: the issuer URL is only a name, and a routing `fetch` sends what they ask of the issuer to their node.
 */
import { randomBytes } from 'node:crypto';
import { parseGatewayConfig, startGateway } from '@tollgate/gateway';
import type { GatewayUnderTest } from './gateway.js';
import { freePort } from './ports.js';
import { type StartOptions, startTollgate, type TollgateProcess } from './tollgate.js';

export interface ClusterOptions {
  databaseUrl: string;
  redisUrl?: string;
  /** Number of servers; default 2. */
  nodes?: number;
  /** Written to each server's config file. */
  config?: Record<string, unknown>;
  env?: Record<string, string>;
}

export interface Cluster {
  /** The one issuer all nodes sign as (`iss`), as the load balancer's origin would be. */
  readonly issuer: string;
  readonly encryptionKey: string;
  readonly nodes: readonly TollgateProcess[];
  /** Starts one more node with the same settings (e.g. to replace a killed one). */
  addNode(): Promise<TollgateProcess>;
  /** Stops every node. Idempotent. */
  stop(): Promise<void>;
}

/**
 * A fetch that sends requests for `issuer` to `nodeUrl` instead, and everything else unchanged: a verifier or
 * gateway configured with the shared issuer talks to one node.
 */
export function routedFetch(issuer: string, nodeUrl: () => string): typeof fetch {
  const route = (url: string) => (url.startsWith(issuer) ? nodeUrl() + url.slice(issuer.length) : url);
  return (input, init) => {
    if (typeof input === 'string') return fetch(route(input), init);
    if (input instanceof URL) return fetch(route(input.href), init);
    return fetch(new Request(route(input.url), input), init);
  };
}

export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  // A port nobody listens on: a request that reached the issuer itself (not a node) would fail loudly.
  const issuer = `http://127.0.0.1:${await freePort()}`;
  const encryptionKey = randomBytes(32).toString('base64url');
  const env: Record<string, string> = { ...options.env, DATABASE_URL: options.databaseUrl, TOLLGATE_ISSUER: issuer };
  if (options.redisUrl !== undefined) env.REDIS_URL = options.redisUrl;
  const startOptions: StartOptions = { encryptionKey, env, ...(options.config ? { config: options.config } : {}) };
  const nodes: TollgateProcess[] = [];
  const stop = async () => {
    await Promise.all(nodes.map((node) => node.stop()));
  };
  const addNode = async () => {
    const node = await startTollgate(startOptions);
    nodes.push(node);
    return node;
  };
  try {
    // One after the other: the first applies the migrations, the others find them done.
    for (let index = 0; index < (options.nodes ?? 2); index += 1) await addNode();
  } catch (error) {
    await stop();
    throw error;
  }
  return { issuer, encryptionKey, nodes, addNode, stop };
}

/** A gateway in this process whose verifiers talk to `node` only (discovery, JWKS, stream, introspection). */
export async function startGatewayAt(
  cluster: Cluster,
  node: TollgateProcess,
  settings: Record<string, unknown>,
): Promise<GatewayUnderTest> {
  const config = parseGatewayConfig({ listen: { host: '127.0.0.1', port: 0 }, issuer: cluster.issuer, ...settings });
  const lines: string[] = [];
  const gateway = await startGateway(config, {
    logDestination: { write: (line: string) => lines.push(line) },
    fetch: routedFetch(cluster.issuer, () => node.url),
  });
  return { url: gateway.url, logText: () => lines.join(''), close: () => gateway.close() };
}
