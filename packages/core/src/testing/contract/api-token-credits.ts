import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ApiTokenCredits, Store } from '../../storage/index.js';
import { apiToken, T0, useFreshStore } from './records.js';

/** 2023-11-15T00:00:00Z and 2023-12-01T00:00:00Z: the first day and month boundaries after T0. */
const NEXT_DAY = 1_700_006_400;
const NEXT_MONTH = 1_701_388_800;
const RETAINED_UNTIL = T0 + 86_400 * 30;

function credits(remaining: number, refill: ApiTokenCredits['refill'] = null): ApiTokenCredits {
  return { remaining, refill, refilledAt: T0 };
}

/** Credits and per-token rate limits: kept as given, consumed atomically, refilled lazily by SETTING them. */
export function apiTokenCreditsContract(open: () => Promise<Store>): void {
  describe('API tokens: credits and rate limits', () => {
    const store = useFreshStore(open);

    it('keeps credits and a rate limit as given, changes and clears them on update', async () => {
      const rateLimit = { requests: 10, windowSeconds: 60 };
      const daily = credits(100, { amount: 100, interval: 'day' });
      await store().apiTokens.add(apiToken('tok_1', { credits: daily, rateLimit }));
      assert.deepEqual(await store().apiTokens.get('tok_1'), apiToken('tok_1', { credits: daily, rateLimit }));
      const edited = { remaining: 7, refill: null, refilledAt: T0 + 5 };
      const updated = await store().apiTokens.update('tok_1', { credits: edited });
      assert.deepEqual(updated, apiToken('tok_1', { credits: edited, rateLimit }));
      const cleared = await store().apiTokens.update('tok_1', { credits: null, rateLimit: null });
      assert.deepEqual(cleared, apiToken('tok_1'));
      assert.deepEqual(await store().apiTokens.get('tok_1'), apiToken('tok_1'));
    });

    it('takes the cost only while that many remain, and writes nothing on a refusal', async () => {
      await store().apiTokens.add(apiToken('tok_1', { credits: credits(5) }));
      assert.deepEqual(await store().apiTokens.consumeCredits('tok_1', 3, T0 + 1), {
        allowed: true,
        credits: credits(2),
      });
      assert.deepEqual(await store().apiTokens.consumeCredits('tok_1', 3, T0 + 2), {
        allowed: false,
        credits: credits(2),
      });
      assert.deepEqual(await store().apiTokens.consumeCredits('tok_1', 2, T0 + 3), {
        allowed: true,
        credits: credits(0),
      });
      assert.equal((await store().apiTokens.get('tok_1'))?.credits?.remaining, 0);
    });

    it('admits exactly as many concurrent consumers as there are credits', async () => {
      await store().apiTokens.add(apiToken('tok_1', { credits: credits(20) }));
      const outcomes = await Promise.all(
        Array.from({ length: 60 }, () => store().apiTokens.consumeCredits('tok_1', 1, T0 + 1)),
      );
      assert.equal(outcomes.filter((outcome) => outcome?.allowed === true).length, 20);
      assert.equal((await store().apiTokens.get('tok_1'))?.credits?.remaining, 0);
    });

    it('sets the credits back to the refill amount at the next UTC midnight, not before', async () => {
      const refill = { amount: 10, interval: 'day' } as const;
      await store().apiTokens.add(apiToken('tok_1', { credits: credits(1, refill) }));
      assert.equal((await store().apiTokens.consumeCredits('tok_1', 1, NEXT_DAY - 1))?.allowed, true);
      assert.equal((await store().apiTokens.consumeCredits('tok_1', 1, NEXT_DAY - 1))?.allowed, false);
      assert.deepEqual(await store().apiTokens.consumeCredits('tok_1', 4, NEXT_DAY), {
        allowed: true,
        credits: { remaining: 6, refill, refilledAt: NEXT_DAY },
      });
      // Set, not added: unused credits do not pile up over the following days.
      assert.deepEqual(await store().apiTokens.consumeCredits('tok_1', 1, NEXT_DAY + 3 * 86_400), {
        allowed: true,
        credits: { remaining: 9, refill, refilledAt: NEXT_DAY + 3 * 86_400 },
      });
    });

    it('refills a monthly quota on the first of the next month at 00:00 UTC', async () => {
      const refill = { amount: 3, interval: 'month' } as const;
      await store().apiTokens.add(apiToken('tok_1', { credits: credits(0, refill) }));
      assert.equal((await store().apiTokens.consumeCredits('tok_1', 1, NEXT_MONTH - 1))?.allowed, false);
      assert.deepEqual(await store().apiTokens.consumeCredits('tok_1', 1, NEXT_MONTH), {
        allowed: true,
        credits: { remaining: 2, refill, refilledAt: NEXT_MONTH },
      });
    });

    it('consumes nothing of an unlimited or unknown token', async () => {
      await store().apiTokens.add(apiToken('tok_1'));
      assert.equal(await store().apiTokens.consumeCredits('tok_1', 1, T0), undefined);
      assert.equal(await store().apiTokens.consumeCredits('tok_missing', 1, T0), undefined);
      assert.deepEqual(await store().apiTokens.get('tok_1'), apiToken('tok_1'));
    });

    it('finds a token by its current or previous jti, and keeps its credits across a regeneration', async () => {
      await store().apiTokens.add(apiToken('tok_1', { credits: credits(4) }));
      const next = { tokenHash: 'sha256-new', jti: 'jti-new', graceEndsAt: T0 + 600 };
      await store().apiTokens.regenerate('tok_1', 'sha256-of-tok_1', next, T0, RETAINED_UNTIL);
      assert.equal((await store().apiTokens.findByJti('jti-new'))?.id, 'tok_1');
      assert.equal((await store().apiTokens.findByJti('jti-tok_1'))?.id, 'tok_1', 'the previous secret');
      assert.equal(await store().apiTokens.findByJti('jti-other'), undefined);
      assert.deepEqual((await store().apiTokens.get('tok_1'))?.credits, credits(4));
    });
  });
}
