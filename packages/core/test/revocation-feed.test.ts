import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  type FeedStore,
  type FeedTimers,
  RevocationEpochChanged,
  type RevocationEvent,
  RevocationFeed,
} from '../src/revocations/feed.js';
import type { RevocationPosition, RevocationRecord } from '../src/storage/index.js';

const NOW_MS = 1_700_000_000_000;
const NOW_S = NOW_MS / 1000;
const tag = (jti: string) => createHash('sha256').update(jti).digest('hex').slice(0, 12);

/**
 * An in-memory revocation list with the store's semantics (a sequence counter that purges do not lower, an
 * epoch replaced by compare-and-set); a query can be held open to stage races.
 */
class FakeRevocations implements FeedStore {
  records: RevocationRecord[] = [];
  queries: { after: number; now: number; limit: number }[] = [];
  failWith: unknown;
  epoch = 'e1';
  highestSequence = 0;
  epochsMinted = 0;
  #held: (() => void)[] | undefined;

  add(jti: string, expiresAt = NOW_S + 600): number {
    const sequence = ++this.highestSequence;
    this.records.push({ sequence, jti, revokedAt: NOW_S, expiresAt });
    return sequence;
  }

  /** What restoring a backup taken when the counter stood at `sequence` does: later records and counts go. */
  restoreTo(sequence: number): void {
    this.records = this.records.filter((record) => record.sequence <= sequence);
    this.highestSequence = sequence;
  }

  async position(): Promise<RevocationPosition> {
    return { epoch: this.epoch, highestSequence: this.highestSequence };
  }

  async recordAt(sequence: number): Promise<RevocationRecord | undefined> {
    return this.records.find((record) => record.sequence === sequence);
  }

  async replaceEpoch(expected: string): Promise<string> {
    if (this.epoch === expected) {
      this.epochsMinted += 1;
      this.epoch = `e${this.epochsMinted + 1}`;
    }
    return this.epoch;
  }

  /** Queries answer from the data as it was when they were made, but resolve only on release(). */
  hold(): void {
    this.#held = [];
  }

  /** Lets held queries finish, the newest first when `newestFirst`. */
  release(newestFirst = false): void {
    const held = this.#held ?? [];
    this.#held = undefined;
    if (newestFirst) held.reverse();
    for (const resume of held) resume();
  }

  async listSince(after: number, now: number, limit: number): Promise<RevocationRecord[]> {
    this.queries.push({ after, now, limit });
    if (this.failWith !== undefined) throw this.failWith;
    const answer = this.records.filter((r) => r.sequence > after && r.expiresAt > now).slice(0, limit);
    if (this.#held) await new Promise<void>((resume) => this.#held?.push(resume));
    return answer;
  }
}

class ManualTimers implements FeedTimers {
  callbacks = new Map<number, () => void>();
  intervals: number[] = [];
  #next = 1;
  setInterval(callback: () => void, ms: number): unknown {
    const handle = this.#next++;
    this.callbacks.set(handle, callback);
    this.intervals.push(ms);
    return handle;
  }
  clearInterval(handle: unknown): void {
    this.callbacks.delete(handle as number);
  }
  tick(): void {
    for (const callback of this.callbacks.values()) callback();
  }
}

/** A subscription's start in the fake store's first epoch. */
const at = (afterSequence: number) => ({ epoch: 'e1', afterSequence });

/** Lets pending store queries and their continuations run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

function setup(options: { pageSize?: number; clock?: () => number } = {}) {
  const store = new FakeRevocations();
  const timers = new ManualTimers();
  const feed = new RevocationFeed(store, { clock: () => NOW_MS, timers, ...options });
  return { store, timers, feed };
}

/** Records what a subscriber sees, `ready` marking where onReady came. */
function recorder() {
  const seen: (string | number)[] = [];
  const errors: unknown[] = [];
  return {
    seen,
    errors,
    listener: (event: RevocationEvent) => seen.push(event.sequence),
    onReady: () => seen.push('ready'),
    onError: (error: unknown) => errors.push(error),
  };
}

/** A feed whose one subscriber has read the snapshot of revocations 1 (a) and 2 (b), with the clock at NOW. */
async function followingTwoRevocations(options: { clock?: () => number } = {}) {
  const { store, feed } = setup(options);
  store.add('a');
  store.add('b', NOW_S + 1);
  const sub = recorder();
  feed.subscribe(at(0), sub.listener, sub.onReady, sub.onError);
  await settle();
  return { store, feed, sub };
}

describe('revocation feed', () => {
  it('delivers the live snapshot in sequence order, then ready', async () => {
    const { store, feed } = setup();
    store.add('a');
    store.add('b', NOW_S - 1); // expired: the token is dead anyway
    store.add('c');
    const events: RevocationEvent[] = [];
    let ready = false;
    feed.subscribe(
      at(0),
      (event) => events.push(event),
      () => (ready = true),
    );
    await settle();
    assert.equal(ready, true);
    assert.deepEqual(events, [
      { id: `e1.1.${tag('a')}`, epoch: 'e1', sequence: 1, jti: 'a', expiresAt: NOW_S + 600 },
      { id: `e1.3.${tag('c')}`, epoch: 'e1', sequence: 3, jti: 'c', expiresAt: NOW_S + 600 },
    ]);
    assert.equal(store.queries[0]?.now, NOW_S, 'expiry is judged by the injected clock, in seconds');
  });

  it('resumes after the given sequence', async () => {
    const { store, feed } = setup();
    for (const jti of ['a', 'b', 'c']) store.add(jti);
    const sub = recorder();
    feed.subscribe(at(2), sub.listener, sub.onReady);
    await settle();
    assert.deepEqual(sub.seen, [3, 'ready']);
  });

  it('reads a large snapshot page by page', async () => {
    const { store, feed } = setup({ pageSize: 2 });
    for (const jti of ['a', 'b', 'c', 'd', 'e']) store.add(jti);
    const sub = recorder();
    feed.subscribe(at(0), sub.listener, sub.onReady);
    await settle();
    assert.deepEqual(sub.seen, [1, 2, 3, 4, 5, 'ready']);
    assert.deepEqual(
      store.queries.slice(0, 3).map((q) => [q.after, q.limit]),
      [
        [0, 2],
        [2, 2],
        [4, 2],
      ],
    );
  });

  it('delivers a revocation written by another process on the next poll', async () => {
    const { store, timers, feed } = setup();
    const sub = recorder();
    feed.subscribe(at(0), sub.listener, sub.onReady);
    await settle();
    store.add('written-elsewhere');
    await settle();
    assert.deepEqual(sub.seen, ['ready'], 'nothing arrives before a poll');
    timers.tick();
    await settle();
    assert.deepEqual(sub.seen, ['ready', 1]);
    assert.deepEqual(timers.intervals, [250]);
  });

  it('delivers at once when poked', async () => {
    const { store, feed } = setup();
    const sub = recorder();
    feed.subscribe(at(0), sub.listener, sub.onReady);
    await settle();
    store.add('a');
    feed.poke();
    await settle();
    assert.deepEqual(sub.seen, ['ready', 1]);
  });

  it('reports a sync point above the one read after a write only once a read begun after the write completed', async () => {
    const { store, timers, feed } = setup();
    const synced: number[] = [];
    feed.subscribe(
      at(0),
      () => {},
      () => {},
      undefined,
      (point) => synced.push(point),
    );
    await settle();
    assert.equal(synced[0], 1, 'the snapshot, the first read');
    synced.length = 0;
    // A poll round is under way (its query held) when a revocation is written and noted.
    store.hold();
    timers.tick();
    await settle();
    store.add('a');
    const afterWrite = feed.syncPoint;
    feed.poke();
    store.release();
    await settle();
    assert.deepEqual(synced, [afterWrite, afterWrite + 1], 'the round under way, then the one the poke asked for');
    assert.equal(feed.syncPoint, afterWrite + 1);
  });

  it('polls only while someone is subscribed', async () => {
    const { store, timers, feed } = setup();
    assert.equal(timers.callbacks.size, 0);
    const first = feed.subscribe(
      at(0),
      () => {},
      () => {},
    );
    const second = feed.subscribe(
      at(0),
      () => {},
      () => {},
    );
    assert.equal(timers.callbacks.size, 1, 'one poll loop for every subscriber');
    await settle();
    first();
    assert.equal(timers.callbacks.size, 1);
    second();
    assert.equal(timers.callbacks.size, 0);
    assert.equal(feed.subscriberCount, 0);
    const queries = store.queries.length;
    feed.poke();
    await settle();
    assert.equal(store.queries.length, queries, 'no subscriber, no query');
  });

  it('gives each subscriber only what lies past its own position, in order', async () => {
    const { store, feed } = setup();
    store.add('a');
    store.add('b');
    const early = recorder();
    const late = recorder();
    feed.subscribe(at(0), early.listener, early.onReady);
    feed.subscribe(at(2), late.listener, late.onReady);
    await settle();
    store.add('c');
    feed.poke();
    await settle();
    assert.deepEqual(early.seen, [1, 2, 'ready', 3]);
    assert.deepEqual(late.seen, ['ready', 3]);
  });

  it('misses nothing written while the snapshot is read and a poll overtakes it', async () => {
    const { store, feed } = setup();
    store.add('a');
    const live = recorder();
    feed.subscribe(at(0), live.listener, live.onReady);
    await settle();
    // The newcomer's snapshot query sees only 'a'; then 'b' is written and a poll (for the live subscriber
    // only) reads it and returns first.
    store.hold();
    const newcomer = recorder();
    feed.subscribe(at(0), newcomer.listener, newcomer.onReady);
    store.add('b');
    feed.poke();
    store.release(true);
    await settle();
    assert.deepEqual(live.seen, [1, 'ready', 2]);
    assert.deepEqual(newcomer.seen, [1, 'ready', 2]);
  });

  it('stops delivering once unsubscribed', async () => {
    const { store, feed } = setup();
    const sub = recorder();
    const unsubscribe = feed.subscribe(at(0), sub.listener, sub.onReady);
    await settle();
    unsubscribe();
    store.add('a');
    feed.poke();
    await settle();
    assert.deepEqual(sub.seen, ['ready']);
  });

  it('keeps subscriptions through polls the store fails, without onSynced, and delivers what they missed after', async () => {
    const { store, feed } = setup();
    const sub = recorder();
    const synced: number[] = [];
    feed.subscribe(at(0), sub.listener, sub.onReady, sub.onError, (point) => synced.push(point));
    await settle();
    const syncsBefore = synced.length;
    assert.ok(syncsBefore > 0, 'synced once the snapshot was read');

    store.failWith = new Error('connection refused');
    store.add('written by another node while this one could not read');
    feed.poke();
    await settle();
    feed.poke();
    await settle();
    assert.deepEqual(sub.errors, [], 'a failed poll ends no subscription');
    assert.equal(feed.subscriberCount, 1);
    assert.equal(synced.length, syncsBefore, 'no sync while the store fails');
    assert.deepEqual(sub.seen, ['ready']);

    store.failWith = undefined;
    feed.poke();
    await settle();
    assert.deepEqual(sub.seen, ['ready', 1], 'the next poll that reads delivers what was missed');
    assert.equal(synced.length, syncsBefore + 1);
    assert.ok((synced.at(-1) ?? 0) > (synced.at(-2) ?? 0), 'the sync point moved on');
  });

  it('ends a subscription with onError when its snapshot cannot be read', async () => {
    const { store, feed } = setup();
    store.failWith = new Error('disk gone');
    const failed = recorder();
    feed.subscribe(at(0), failed.listener, failed.onReady, failed.onError);
    await settle();
    assert.deepEqual(failed.seen, [], 'no ready when the snapshot could not be read');
    assert.equal(failed.errors.length, 1);
    assert.equal(feed.subscriberCount, 0);
  });

  it('ends only the subscription whose listener throws', async () => {
    const { store, feed } = setup();
    const healthy = recorder();
    const errors: unknown[] = [];
    feed.subscribe(
      at(0),
      () => {
        throw new Error('listener bug');
      },
      () => {},
      (error) => errors.push(error),
    );
    feed.subscribe(at(0), healthy.listener, healthy.onReady);
    await settle();
    store.add('a');
    store.add('b');
    feed.poke();
    await settle();
    assert.equal(errors.length, 1);
    assert.deepEqual(healthy.seen, ['ready', 1, 2]);
    assert.equal(feed.subscriberCount, 1);
  });

  it('stop() clears the poll timer and every subscription', async () => {
    const { store, timers, feed } = setup();
    const sub = recorder();
    feed.subscribe(at(0), sub.listener, sub.onReady);
    await settle();
    feed.stop();
    assert.equal(timers.callbacks.size, 0);
    assert.equal(feed.subscriberCount, 0);
    store.add('a');
    feed.poke();
    await settle();
    assert.deepEqual(sub.seen, ['ready']);
  });

  it('refuses a position that is not a non-negative integer', () => {
    const { feed } = setup();
    for (const position of [-1, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 1]) {
      assert.throws(
        () =>
          feed.subscribe(
            at(position),
            () => {},
            () => {},
          ),
        TypeError,
      );
    }
    assert.equal(feed.subscriberCount, 0);
  });

  it('ends every subscription with RevocationEpochChanged once the store has another epoch', async () => {
    const { store, feed } = setup();
    store.add('a');
    const sub = recorder();
    feed.subscribe(at(0), sub.listener, sub.onReady, sub.onError);
    await settle();
    store.epoch = 'restored';
    store.add('b');
    feed.poke();
    await settle();
    assert.deepEqual(sub.seen, [1, 'ready'], 'nothing of the other epoch is delivered under the old one');
    assert.equal(sub.errors.length, 1);
    assert.ok(sub.errors[0] instanceof RevocationEpochChanged);
    assert.equal((sub.errors[0] as RevocationEpochChanged).epoch, 'restored');
    assert.equal(feed.subscriberCount, 0);
    assert.equal(store.epochsMinted, 0, 'a new epoch is taken as it is, not replaced again');
  });

  it('mints one new epoch when the sequence goes back below what it read (a restore), and ends subscriptions', async () => {
    const { store, feed, sub } = await followingTwoRevocations();
    store.restoreTo(1);
    feed.poke();
    await settle();
    assert.equal(store.epochsMinted, 1);
    assert.equal((sub.errors[0] as RevocationEpochChanged).epoch, 'e2');
    assert.equal(feed.subscriberCount, 0);
  });

  it('notices a restore that already handed the sequence it read to another revocation', async () => {
    const { store, feed, sub } = await followingTwoRevocations();
    store.restoreTo(1);
    store.add('c'); // sequence 2 again, before the feed polled
    feed.poke();
    await settle();
    assert.deepEqual(sub.seen, [1, 2, 'ready'], "'c' is never passed off as the event 2 the subscriber has");
    assert.ok(sub.errors[0] instanceof RevocationEpochChanged);
    assert.equal(store.epochsMinted, 1);

    const resubscribed = recorder();
    feed.subscribe({ epoch: 'e2', afterSequence: 0 }, resubscribed.listener, resubscribed.onReady);
    await settle();
    assert.deepEqual(resubscribed.seen, [1, 2, 'ready']);
  });

  it('notices a restore that left a gap where a live record was', async () => {
    const { store, feed, sub } = await followingTwoRevocations();
    store.restoreTo(1);
    store.highestSequence = 2; // PostgreSQL spends a sequence value on an insert that conflicted
    store.add('c');
    feed.poke();
    await settle();
    assert.ok(sub.errors[0] instanceof RevocationEpochChanged);
  });

  it('takes an expired record that was purged for what it is, not for a restore', async () => {
    let nowMs = NOW_MS;
    const { store, feed, sub } = await followingTwoRevocations({ clock: () => nowMs });
    nowMs += 2000;
    store.records = store.records.filter((record) => record.jti !== 'b');
    store.add('c');
    feed.poke();
    await settle();
    assert.equal(store.epochsMinted, 0);
    assert.deepEqual(sub.errors, []);
    assert.deepEqual(sub.seen, [1, 2, 'ready', 3]);
  });
});
