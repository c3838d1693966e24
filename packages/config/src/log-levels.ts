/**
 * pino's levels, `silent` included. A module of its own, without zod, so that a command line can offer them as the
 * choices of `--log-level` without loading any schema (`@tollgate/config/log-levels`).
 */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
