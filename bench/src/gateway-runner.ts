/**
 * Child program: the Tollgate gateway from a config file, through its public API, as `tollgate gateway
 * --config` runs it. Access logs go to stdout (which the benchmark points at /dev/null).
 *
 * Usage: node gateway-runner.js <gateway config file>
 */
import { loadGatewayConfig, startGateway } from '@tollgate/gateway';
import { exitOnSigterm, reportListening } from './children.js';

const gateway = await startGateway(loadGatewayConfig(process.argv[2] ?? 'gateway.yaml'));
reportListening(gateway.url);
exitOnSigterm(() => gateway.close());
