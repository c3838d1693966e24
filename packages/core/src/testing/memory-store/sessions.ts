import { Conflict } from '../../errors.js';
import type { SessionRecord, SessionStore } from '../../storage/index.js';
import { copyOf } from './records.js';

export class MemorySessionStore implements SessionStore {
  readonly #sessions = new Map<string, SessionRecord>();

  async add(session: SessionRecord): Promise<void> {
    if (this.#sessions.has(session.idHash)) throw new Conflict('A session with this id already exists');
    this.#sessions.set(session.idHash, copyOf(session));
  }

  async get(idHash: string): Promise<SessionRecord | undefined> {
    const session = this.#sessions.get(idHash);
    return session && copyOf(session);
  }

  async touch(idHash: string, lastSeenAt: number): Promise<void> {
    const session = this.#sessions.get(idHash);
    if (session !== undefined) session.lastSeenAt = lastSeenAt;
  }

  async remove(idHash: string): Promise<boolean> {
    return this.#sessions.delete(idHash);
  }

  async removeForUser(userId: string): Promise<number> {
    return this.#removeWhere((session) => session.userId === userId);
  }

  async removeExpired(now: number, idleBefore: number): Promise<number> {
    return this.#removeWhere((session) => session.expiresAt <= now || session.lastSeenAt <= idleBefore);
  }

  #removeWhere(matches: (session: SessionRecord) => boolean): number {
    let removed = 0;
    for (const session of [...this.#sessions.values()]) {
      if (!matches(session)) continue;
      this.#sessions.delete(session.idHash);
      removed += 1;
    }
    return removed;
  }
}
