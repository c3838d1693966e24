import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatEventId, parseResumePoint, type ResumePoint } from '../src/revocations/event-id.js';
import { planResume, type ResumeStore } from '../src/revocations/resume.js';
import type { RevocationRecord } from '../src/storage/index.js';

const EXP = 2_000_000_000;

/** A store whose epoch stands at `epoch` with records 1..3 (a, b, c) and its counter at 3. */
class StoreAt implements ResumeStore {
  epoch = 'cur';
  highestSequence = 3;
  records: RevocationRecord[] = ['a', 'b', 'c'].map((jti, i) => ({
    sequence: i + 1,
    jti,
    revokedAt: 0,
    expiresAt: EXP,
  }));
  replaced: string[] = [];

  async position() {
    return { epoch: this.epoch, highestSequence: this.highestSequence };
  }
  async recordAt(sequence: number) {
    return this.records.find((record) => record.sequence === sequence);
  }
  async replaceEpoch(expected: string) {
    this.replaced.push(expected);
    if (this.epoch === expected) this.epoch = 'minted';
    return this.epoch;
  }
}

function point(header: string | undefined): ResumePoint {
  const parsed = parseResumePoint(header);
  assert.ok(parsed, `${header} parses`);
  return parsed;
}

describe('where a reconnecting verifier resumes', () => {
  it('resumes after its last event when that event is still the store’s, in the same epoch (behind the store)', async () => {
    const store = new StoreAt();
    assert.deepEqual(await planResume(store, point(formatEventId('cur', 2, 'b'))), {
      epoch: 'cur',
      afterSequence: 2,
      reason: 'resume',
    });
    assert.deepEqual(store.replaced, []);
  });

  it('resyncs from scratch a verifier of another epoch, without minting one', async () => {
    const store = new StoreAt();
    assert.deepEqual(await planResume(store, point(formatEventId('old', 2, 'b'))), {
      epoch: 'cur',
      afterSequence: 0,
      reason: 'other-epoch',
    });
    assert.deepEqual(store.replaced, []);
  });

  it('resyncs a verifier ahead of the store and mints a new epoch: the store went backwards', async () => {
    const store = new StoreAt();
    assert.deepEqual(await planResume(store, point(formatEventId('cur', 4, 'd'))), {
      epoch: 'minted',
      afterSequence: 0,
      reason: 'ahead-of-store',
    });
    assert.deepEqual(store.replaced, ['cur']);
  });

  it('resyncs a verifier whose sequence the store gave to another revocation, and mints a new epoch', async () => {
    const store = new StoreAt();
    assert.deepEqual(await planResume(store, point(formatEventId('cur', 3, 'not-c'))), {
      epoch: 'minted',
      afterSequence: 0,
      reason: 'replaced-event',
    });
  });

  it('joins the epoch another node minted first instead of minting a second one', async () => {
    const store = new StoreAt();
    store.replaceEpoch = async (expected) => {
      store.replaced.push(expected);
      store.epoch = 'theirs'; // another node won the compare-and-set
      return store.epoch;
    };
    const plan = await planResume(store, point(formatEventId('cur', 9, 'x')));
    assert.equal(plan.epoch, 'theirs');
    assert.equal(plan.afterSequence, 0);
  });

  it('resyncs when the last event was purged, since its continuity cannot be checked', async () => {
    const store = new StoreAt();
    store.records = store.records.filter((record) => record.sequence !== 2);
    assert.deepEqual(await planResume(store, point(formatEventId('cur', 2, 'b'))), {
      epoch: 'cur',
      afterSequence: 0,
      reason: 'event-gone',
    });
    assert.deepEqual(store.replaced, []);
  });

  it('resyncs a verifier with an old-format id (a bare sequence), never refusing it', async () => {
    const store = new StoreAt();
    for (const legacy of ['0', '2', '14', '9007199254740991']) {
      const plan = await planResume(store, point(legacy));
      assert.deepEqual(plan, { epoch: 'cur', afterSequence: 0, reason: 'legacy-id' }, legacy);
    }
  });

  it('starts a first connection from scratch', async () => {
    assert.deepEqual(await planResume(new StoreAt(), point(undefined)), {
      epoch: 'cur',
      afterSequence: 0,
      reason: 'start',
    });
  });
});

describe('revocation event ids', () => {
  it('read back what formatEventId writes', () => {
    const id = formatEventId('Ab_-9', 14, 'jti-1');
    assert.match(id, /^Ab_-9\.14\.[0-9a-f]{12}$/);
    assert.deepEqual(parseResumePoint(id), { kind: 'event', epoch: 'Ab_-9', sequence: 14, tag: id.slice(-12) });
  });

  it('refuse what no server ever sent', () => {
    for (const value of ['', 'abc', '-1', '1.5', 'e.1', 'e.1.xyz', 'e.-1.000000000000', 'e 1.1.000000000000']) {
      assert.equal(parseResumePoint(value), undefined, value);
    }
    assert.equal(parseResumePoint('99999999999999999'), undefined, 'beyond a safe integer');
  });
});
