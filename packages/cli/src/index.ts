export { buildProgram, runCli, VERSION } from './program.js';
export { EXIT_FAILURE, EXIT_USAGE, UsageError, describeFailure } from './errors.js';
export type { Cli, GlobalOptions } from './context.js';
