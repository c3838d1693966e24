/** `tollgate start`: runs the authorization server until SIGTERM/SIGINT. */
import { LOG_LEVELS } from '@tollgate/server/values';
import { type Command, Option } from 'commander';
import { parsePort } from '../arguments.js';
import { type Cli, type GlobalOptions, configFor } from '../context.js';

interface StartOptions extends GlobalOptions {
  port?: string;
  host?: string;
  issuer?: string;
  tlsCert?: string;
  tlsKey?: string;
  logLevel?: string;
  redis?: string;
  metricsListen?: string;
  /** Commander's `--no-migrate`: false when given. */
  migrate?: boolean;
}

export function registerStartCommand(program: Command, cli: Cli): void {
  program
    .command('start')
    .description('run the authorization server (config: defaults < --config file < TOLLGATE_* env < flags)')
    .option('--port <port>', 'port to listen on (default: 8080; 0 picks a free one)', parsePort)
    .option('--host <host>', 'address to listen on (default: 127.0.0.1)')
    .option('--issuer <url>', 'public origin, e.g. https://auth.example.com (required off loopback)')
    .option('--tls-cert <file>', 'PEM certificate: serve HTTPS')
    .option('--tls-key <file>', 'PEM private key for --tls-cert')
    .addOption(new Option('--log-level <level>', 'log level (default: info)').choices(LOG_LEVELS))
    .option('--redis <url>', 'redis:// URL shared by several nodes (default: REDIS_URL; none: single node)')
    .option('--metrics-listen <host:port>', 'serve GET /metrics there, e.g. 127.0.0.1:9464 (default: off)')
    .option('--no-migrate', 'do not migrate the database; refuse to start if its schema is behind')
    .action(async (_options: StartOptions, command: Command) => {
      const options = command.optsWithGlobals<StartOptions>();
      const config = await configFor(cli, options, {
        port: options.port,
        host: options.host,
        issuer: options.issuer,
        tlsCert: options.tlsCert,
        tlsKey: options.tlsKey,
        logLevel: options.logLevel,
        redis: options.redis,
        metricsListen: options.metricsListen,
        migrate: options.migrate === false ? 'false' : undefined,
      });
      // The HTTP stack is loaded only here, so the admin commands start quickly.
      const { startServer } = await import('@tollgate/server');
      await startServer(config, { announce: (line) => cli.stdout.write(`${line}\n`) });
    });
}
