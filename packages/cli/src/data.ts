/**
 * What the commands that work on a data directory load on first use: the configuration, the store and the core.
 * They reach it through this one module (context.ts) rather than each package's entry point, so the bundle
 * (scripts/bundle-cli.mjs) gives them one chunk holding only what is named here, and `--version`, the help and
 * usage errors load none of it.
 */
export { NotFound, OPERATOR, SIGNING_ALGORITHMS, SUBSCRIBABLE_WEBHOOK_EVENTS } from '@tollgate/core';
export { loadConfig, openStoreAsIs, openTollgateFromConfig } from '@tollgate/server/bootstrap';
export { redactDatabaseLocation } from '@tollgate/store-sql';
