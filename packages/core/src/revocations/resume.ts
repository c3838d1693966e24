/**
 * Where a reconnecting verifier's stream starts. It resumes after its last event only when that event
 * provably belongs to the store's current history; otherwise it gets a full resync (every live
 * revocation, then the live stream), which costs one snapshot and can never lose a revocation. A verifier
 * keeps what it already had, so a resync only ever adds to its deny list.
 */
import type { RevocationStore } from '../storage/index.js';
import { type ResumePoint, revocationTag } from './event-id.js';

export type ResumeReason =
  /** The verifier's last event is still the store's event at that sequence: resume after it. */
  | 'resume'
  /** No Last-Event-ID: the whole live list, as for any first connection. */
  | 'start'
  /** An id from a server before epochs: nothing to check it against. */
  | 'legacy-id'
  /** Another epoch: the store was restored (or replaced) since, or the id is from another store. */
  | 'other-epoch'
  /** Beyond the highest sequence the store ever handed out: the store went backwards (a restore). */
  | 'ahead-of-store'
  /** The store gave that sequence to another revocation: the store went backwards and moved on. */
  | 'replaced-event'
  /** The event was purged (its token expired), so continuity cannot be checked. */
  | 'event-gone';

export interface ResumePlan {
  epoch: string;
  /** 0 for a full resync. */
  afterSequence: number;
  reason: ResumeReason;
}

export type ResumeStore = Pick<RevocationStore, 'position' | 'recordAt' | 'replaceEpoch'>;

export async function planResume(store: ResumeStore, point: ResumePoint): Promise<ResumePlan> {
  const { epoch, highestSequence } = await store.position();
  const resync = (reason: ResumeReason, inEpoch = epoch): ResumePlan => ({ epoch: inEpoch, afterSequence: 0, reason });
  if (point.kind === 'start') return resync('start');
  if (point.kind === 'legacy') return resync('legacy-id');
  if (point.epoch !== epoch) return resync('other-epoch');
  // Proof of a rewind in this epoch: a new one (atomically, once across nodes) keeps every id unique.
  if (point.sequence > highestSequence) return resync('ahead-of-store', await store.replaceEpoch(epoch));
  const record = await store.recordAt(point.sequence);
  if (record === undefined) return resync('event-gone');
  if (revocationTag(record.jti) !== point.tag) return resync('replaced-event', await store.replaceEpoch(epoch));
  return { epoch, afterSequence: point.sequence, reason: 'resume' };
}
