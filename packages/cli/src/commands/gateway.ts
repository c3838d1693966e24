/**
 * `tollgate gateway --config gateway.yaml`: runs the Tollgate gateway, a reverse proxy that checks bearer
 * tokens in front of APIs without auth of their own, until SIGTERM/SIGINT.
 */
import type { Command } from 'commander';
import type { Cli, GlobalOptions } from '../context.js';
import { UsageError } from '../usage.js';

export function registerGatewayCommand(program: Command, cli: Cli): void {
  program
    .command('gateway')
    .description('run the gateway in front of your APIs (settings: --config gateway.yaml)')
    .action(async (_options: GlobalOptions, command: Command) => {
      const { config: file } = command.optsWithGlobals<GlobalOptions>();
      if (file === undefined) throw new UsageError('gateway needs --config <file>, a gateway.yaml with its routes');
      // The proxy stack is loaded only here, so the other commands start quickly.
      const { GatewayConfigError, loadGatewayConfig, startGateway } = await import('@tollgate/gateway');
      let config: ReturnType<typeof loadGatewayConfig>;
      try {
        config = loadGatewayConfig(file, cli.env);
      } catch (error) {
        // Configuration mistakes are usage errors (exit status 2), each naming file, line and field.
        if (error instanceof GatewayConfigError) throw new UsageError(error.message);
        throw error;
      }
      const gateway = await startGateway(config);
      closeOnSignals(gateway.close);
      cli.stdout.write(`Tollgate gateway listening on ${gateway.url}\n`);
    });
}

/** SIGTERM/SIGINT: stop accepting, let in-flight requests finish, close tunnels and pools, exit. */
function closeOnSignals(close: () => Promise<void>): void {
  const onSignal = () => {
    close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}
