/** A FIFO lock for async code: `lock()` resolves when the caller holds it; `unlock()` hands it on. */
export class AsyncMutex {
  #locked = false;
  readonly #waiters: Array<() => void> = [];

  async lock(): Promise<void> {
    if (!this.#locked) {
      this.#locked = true;
      return;
    }
    await new Promise<void>((resolve) => this.#waiters.push(resolve));
  }

  unlock(): void {
    const next = this.#waiters.shift();
    if (next === undefined) this.#locked = false;
    else next();
  }
}

const fileLocks = new Map<string, { mutex: AsyncMutex; holders: number }>();

/**
 * One mutex per database file per process, shared by every store opened on that file. better-sqlite3
 * waits for a busy database synchronously, blocking the event loop; if two stores in one process
 * interleaved transactions on the same file, the waiting one would block the very thread the lock
 * holder needs to finish, and fail after busy_timeout. Other processes are not affected by this lock:
 * SQLite's own file locking and busy_timeout order them.
 */
export function acquireFileLock(canonicalPath: string): { mutex: AsyncMutex; release: () => void } {
  let entry = fileLocks.get(canonicalPath);
  if (entry === undefined) {
    entry = { mutex: new AsyncMutex(), holders: 0 };
    fileLocks.set(canonicalPath, entry);
  }
  entry.holders += 1;
  const held = entry;
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    held.holders -= 1;
    if (held.holders === 0) fileLocks.delete(canonicalPath);
  };
  return { mutex: held.mutex, release };
}
