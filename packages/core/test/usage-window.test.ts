import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidRequest } from '../src/errors.js';
import { checkUsageDays, fillUsage, usageWindow, utcDay } from '../src/management/usage.js';

/** 2025-03-02T00:30:00Z: just after a UTC midnight. */
const NOW = Date.UTC(2025, 2, 2, 0, 30) / 1000;

describe('usage window', () => {
  it('names UTC days, whatever the local time zone', () => {
    assert.equal(utcDay(NOW), '2025-03-02');
    assert.equal(utcDay(NOW - 31 * 60), '2025-03-01');
  });

  it('lists the last n UTC days oldest first, today included, across month ends', () => {
    assert.deepEqual(usageWindow(NOW, 3), ['2025-02-28', '2025-03-01', '2025-03-02']);
    assert.deepEqual(usageWindow(NOW, 1), ['2025-03-02']);
    assert.equal(usageWindow(NOW, 366).length, 366);
  });

  it('fills every day with 0 when unused and sums rows of the same day', () => {
    const window = usageWindow(NOW, 4);
    const filled = fillUsage(window, [
      { day: '2025-03-01', count: 5 },
      { day: '2025-03-01', count: 2 },
      { day: '2025-02-27', count: 1 },
    ]);
    assert.deepEqual(filled.days, [
      { day: '2025-02-27', count: 1 },
      { day: '2025-02-28', count: 0 },
      { day: '2025-03-01', count: 7 },
      { day: '2025-03-02', count: 0 },
    ]);
    assert.equal(filled.total, 8);
  });

  it('ignores rows outside the window', () => {
    const filled = fillUsage(usageWindow(NOW, 2), [{ day: '2025-01-01', count: 9 }]);
    assert.equal(filled.total, 0);
  });

  it('accepts 1 to 366 days and nothing else', () => {
    assert.equal(checkUsageDays(1), 1);
    assert.equal(checkUsageDays(366), 366);
    for (const days of [0, 367, 1.5, -1, Number.NaN]) {
      assert.throws(() => checkUsageDays(days), InvalidRequest, String(days));
    }
  });
});
