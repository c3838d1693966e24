/**
 * An exclusive lock across the browser tabs of one origin (the Web Locks API), so only one tab refreshes at a
 * time. Where there is none (Node 20), the in-process single flight is the only coordination needed.
 */

interface LockManagerLike {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>;
}

function lockManager(): LockManagerLike | undefined {
  const navigator = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator;
  return navigator?.locks;
}

export function withExclusiveLock<T>(name: string, work: () => Promise<T>): Promise<T> {
  const locks = lockManager();
  return locks === undefined ? work() : locks.request(name, work);
}
