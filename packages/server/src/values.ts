/**
 * `@tollgate/server/values`: how durations and log levels are written, without the config schema, the stores or
 * the core behind them. The command line parses its flags with these before it knows which command runs, so
 * `tollgate --version` and the help load nothing heavier.
 */
export { formatDuration, parseDuration } from './duration.js';
export { LOG_LEVELS } from '@tollgate/config/log-levels';
