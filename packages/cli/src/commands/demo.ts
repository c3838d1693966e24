/**
 * `tollgate demo`: the authorization server, a sample API and the gateway in front of it, in one process on
 * loopback, with a demo user, and the curl commands that show the whole story. Runs until Ctrl-C.
 */
import { LOG_LEVELS } from '@tollgate/server/values';
import { type Command, Option } from 'commander';
import { parsePort } from '../arguments.js';
import { type Cli, type GlobalOptions, configFor } from '../context.js';

/** Not the `start` default: the demo must never touch a real data directory unless told to. */
export const DEMO_DATA_DIR = './tollgate-demo-data';

interface DemoCommandOptions extends GlobalOptions {
  port: string;
  gatewayPort: string;
  logLevel: (typeof LOG_LEVELS)[number];
}

/** The first SIGINT/SIGTERM stops the demo gracefully; a second one exits at once. */
function stopOnSignal(): { stopRequested: Promise<string>; dispose: () => void } {
  let requested = false;
  let resolveStop: (signal: string) => void = () => {};
  const stopRequested = new Promise<string>((resolve) => {
    resolveStop = resolve;
  });
  const onSignal = (signal: NodeJS.Signals) => {
    if (requested) process.exit(130);
    requested = true;
    resolveStop(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    stopRequested,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

export function registerDemoCommand(program: Command, cli: Cli): void {
  program
    .command('demo')
    .description(
      `run the server, a sample API and the gateway together, and print what to try (data: ${DEMO_DATA_DIR})`,
    )
    .option('--port <port>', 'authorization server port (0 picks a free one)', parsePort, '8080')
    .option('--gateway-port <port>', 'gateway port (0 picks a free one)', parsePort, '8081')
    .addOption(
      new Option('--log-level <level>', 'log level of the server and gateway (to stderr)')
        .choices(LOG_LEVELS)
        .default('warn'),
    )
    .action(async (_options: DemoCommandOptions, command: Command) => {
      const options = command.optsWithGlobals<DemoCommandOptions>();
      const config = await configFor(
        cli,
        { ...options, data: options.data ?? DEMO_DATA_DIR },
        {
          port: options.port,
          // Loopback only: the sample API has no auth, and the demo user's password is printed.
          host: '127.0.0.1',
          logLevel: options.logLevel,
        },
      );
      const signals = stopOnSignal();
      try {
        // Loaded only here: the admin commands stay quick to start.
        const { runDemo } = await import('../demo/run.js');
        await runDemo({
          config,
          gatewayPort: Number(options.gatewayPort),
          logLevel: options.logLevel,
          stdout: cli.stdout,
          stderr: cli.stderr,
          stopRequested: signals.stopRequested,
        });
      } finally {
        signals.dispose();
      }
    });
}
