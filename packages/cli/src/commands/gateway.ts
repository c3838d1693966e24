/**
 * `tollgate gateway --config gateway.yaml [--workers N]`: runs the Tollgate gateway, a reverse proxy that checks
 * bearer tokens in front of APIs without auth of their own, until SIGTERM/SIGINT. With more than one worker the
 * command forks itself (node:cluster): this process becomes the primary and each worker runs the same command.
 * node:cluster is reached only through @tollgate/gateway, loaded when the command runs: it loads node:net,
 * node:dgram and node:child_process, which no other command needs.
 */
import { type Command, InvalidArgumentError } from 'commander';
import type { Cli, GlobalOptions } from '../context.js';
import { UsageError } from '../usage.js';

/** More than this is a typo, not a machine: each worker holds its own caches, pools and revocation stream. */
const MAX_WORKERS = 256;

interface GatewayOptions {
  workers?: number;
}

/** `--workers 4`: a whole number of processes from 1 to MAX_WORKERS. */
function parseWorkers(value: string): number {
  const workers = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(workers) || workers < 1 || workers > MAX_WORKERS) {
    throw new InvalidArgumentError(`use a whole number of processes from 1 to ${MAX_WORKERS}`);
  }
  return workers;
}

export function registerGatewayCommand(program: Command, cli: Cli): void {
  program
    .command('gateway')
    .description('run the gateway in front of your APIs (settings: --config gateway.yaml)')
    .option('--workers <n>', 'processes serving requests (default: one per core; 1: this process alone)', parseWorkers)
    .action(async (options: GatewayOptions, command: Command) => {
      const { config: file } = command.optsWithGlobals<GlobalOptions>();
      if (file === undefined) throw new UsageError('gateway needs --config <file>, a gateway.yaml with its routes');
      // The proxy stack is loaded only here, so the other commands start quickly.
      const gatewayModule = await import('@tollgate/gateway');
      const { GatewayConfigError, loadGatewayConfig } = gatewayModule;
      let config: ReturnType<typeof loadGatewayConfig>;
      try {
        config = loadGatewayConfig(file, cli.env);
      } catch (error) {
        // Configuration mistakes are usage errors (exit status 2), each naming file, line and field.
        if (error instanceof GatewayConfigError) throw new UsageError(error.message);
        throw error;
      }
      const workers = options.workers ?? gatewayModule.defaultWorkerCount();
      if (gatewayModule.isGatewayWorker()) {
        // Forked by the primary below: serve, and leave the "listening" line to the primary.
        const gateway = await gatewayModule.startGatewayWorker(config);
        closeOnSignals(async () => {
          await gateway.close();
          return 0;
        });
        return;
      }
      if (workers === 1) {
        const gateway = await gatewayModule.startGateway(config);
        closeOnSignals(async () => {
          await gateway.close();
          return 0;
        });
        cli.stdout.write(`Tollgate gateway listening on ${gateway.url}\n`);
        return;
      }
      const running = await gatewayModule.startGatewayWorkers(config, workers);
      closeOnSignals(running.close);
      cli.stdout.write(`Tollgate gateway listening on ${running.url}\n`);
    });
}

/** SIGTERM/SIGINT: stop accepting, let in-flight requests finish, close tunnels and pools, exit. */
function closeOnSignals(close: () => Promise<number>): void {
  const onSignal = () => {
    close().then(
      (status) => process.exit(status),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}
