/**
 * `tollgate demo` in one process: the authorization server, the sample API and the gateway, started in
 * that order (the gateway needs the server's keys and the seeded client), stopped in reverse order.
 * Logs go to stderr, so stdout carries only the story.
 */
import { resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { OPERATOR } from '@tollgate/core';
import type { ServerConfig } from '@tollgate/server/bootstrap';
import { dpopLines, playDpop } from './dpop.js';
import { ensureDemoSeed, DEMO_API } from './seed.js';
import { DEMO_ROUTES, demoStory } from './story.js';
import { startSampleApi } from './upstream.js';

export interface DemoOptions {
  /** The server's configuration (loopback host, port and data directory already applied). */
  config: ServerConfig;
  /** 0 picks a free port. */
  gatewayPort: number;
  logLevel: ServerConfig['logLevel'];
  stdout: Writable;
  stderr: Writable;
  /** Resolves when the demo should stop (the first Ctrl-C). */
  stopRequested: Promise<string>;
}

/** Things to close, newest first; every one is closed even if another fails. */
class Running {
  readonly #closers: Array<() => Promise<void>> = [];

  add(close: () => Promise<void>): void {
    this.#closers.unshift(close);
  }

  async closeAll(): Promise<void> {
    const closers = this.#closers.splice(0);
    const failures: unknown[] = [];
    for (const close of closers) await close().catch((error: unknown) => failures.push(error));
    if (failures.length > 0) throw failures[0];
  }
}

/** EADDRINUSE says nothing about which of the three listeners, or what to do about it. */
async function listening<T>(what: string, flag: string, port: number, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new Error(`port ${port} is already in use (${what}): pick another with ${flag}`);
    }
    throw error;
  }
}

async function startAll(options: DemoOptions, running: Running): Promise<string> {
  const { startServer, createLogger } = await import('@tollgate/server');
  const { parseGatewayConfig, startGateway } = await import('@tollgate/gateway');
  const { config } = options;
  const server = await listening('the authorization server', '--port', config.port, () =>
    // One machine, no load balancer: Ctrl-C stops at once rather than draining.
    startServer(
      { ...config, drainDelaySeconds: 0 },
      {
        handleSignals: false,
        logger: createLogger({ level: options.logLevel, destination: options.stderr }),
        announce: () => {},
      },
    ),
  );
  running.add(() => server.close());
  const seed = await ensureDemoSeed(server.tollgate.as(OPERATOR), config.dataDir);
  const sampleApi = await startSampleApi(0);
  running.add(() => sampleApi.close());
  const gatewayConfig = parseGatewayConfig({
    // The server's own view: with port 0 the issuer is only known once it listens.
    issuer: server.config.issuer,
    audience: DEMO_API,
    listen: { host: '127.0.0.1', port: options.gatewayPort },
    client: seed.gatewayClient,
    logLevel: options.logLevel,
    routes: DEMO_ROUTES.map((route) => ({
      path: route.path,
      methods: [route.method],
      upstream: sampleApi.url,
      scopes: [route.scope],
    })),
  });
  const gateway = await listening('the gateway', '--gateway-port', options.gatewayPort, () =>
    startGateway(gatewayConfig, { logDestination: options.stderr }),
  );
  running.add(() => gateway.close());
  const dpop = await playDpop({
    serverUrl: server.url,
    gatewayUrl: gateway.url,
    password: seed.password,
    apiIsDefault: seed.apiIsDefault,
  });
  return demoStory({
    serverUrl: server.url,
    gatewayUrl: gateway.url,
    upstreamUrl: sampleApi.url,
    dataDir: resolve(config.dataDir),
    password: seed.password,
    apiIsDefault: seed.apiIsDefault,
    created: seed.created,
    dpop: dpopLines(dpop),
  });
}

/** Starts everything, prints the story, and returns once all of it stopped after `stopRequested`. */
export async function runDemo(options: DemoOptions): Promise<void> {
  const running = new Running();
  let story: string;
  try {
    story = await startAll(options, running);
  } catch (error) {
    await running.closeAll().catch(() => undefined);
    throw error;
  }
  options.stdout.write(story);
  const signal = await options.stopRequested;
  options.stdout.write(`\nStopping the demo (${signal})...\n`);
  await running.closeAll();
  options.stdout.write('Stopped.\n');
}
