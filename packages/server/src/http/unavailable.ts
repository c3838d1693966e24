/**
 * A database that is down is the client's cue to retry, not a server bug: such failures leave as 503
 * `temporarily_unavailable` (RFC 6749 5.2) with Retry-After (RFC 9110 10.2.3), never as a 500 or a hang.
 * The recognising is store-sql's (`isDatabaseUnavailable`); this module only turns it into the core's error.
 */
import { ServiceUnavailable, type TollgateErrorOptions } from '@tollgate/core';
import { isDatabaseUnavailable, isStorageFull } from '@tollgate/store-sql';

/** Seconds a client should wait before trying again: the pool reconnects on the next request. */
export const RETRY_AFTER_SECONDS = 2;

export class DatabaseUnavailable extends ServiceUnavailable {
  override readonly description = 'The database is unavailable; try again shortly';

  constructor(options?: TollgateErrorOptions) {
    super(options);
    this.name = 'DatabaseUnavailable';
  }
}

/**
 * The database refuses writes for want of disk space. No detail: the cause is logged once, when writes
 * start failing (Readiness), rather than on every request while the disk stays full.
 */
export class StorageFull extends ServiceUnavailable {
  override readonly description = 'The server cannot store data right now; try again shortly';

  constructor(options?: TollgateErrorOptions) {
    super(options);
    this.name = 'StorageFull';
  }
}

/** The error itself, or a DatabaseUnavailable wrapping it when it means the database cannot be reached. */
export function asServiceUnavailable(error: unknown): unknown {
  if (error instanceof ServiceUnavailable || !isDatabaseUnavailable(error)) return error;
  if (isStorageFull(error)) return new StorageFull({ cause: error });
  const reason = error instanceof Error ? error.message : String(error);
  return new DatabaseUnavailable({ cause: error, detail: reason });
}
