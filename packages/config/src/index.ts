/**
 * @tollgate/config: what the server's and the gateway's configuration share. Each keeps its own schema and sources;
 * reading files, layering sources, common value schemas and the wording of problems are done once, here.
 */
export { type ConfigFile, readConfigFile } from './file.js';
export { ConfigProblems } from './errors.js';
export { deepFreeze } from './freeze.js';
export { Layers } from './layers.js';
export { logLevel } from './log-level.js';
export { LOG_LEVELS, type LogLevel } from './log-levels.js';
export { type Mapping, isMapping } from './mapping.js';
export { describeProblem, fieldName, validate } from './problems.js';
export type { DocumentSource, LineOf, SettingSource, Source } from './source.js';
export { filePath, flag, integer, redisUrl } from './values.js';
