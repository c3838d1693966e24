/**
 * pino's levels, `silent` included. Apart from the config schema so that the command line can offer them as the
 * choices of `--log-level` without loading the schema (see values.ts).
 */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
