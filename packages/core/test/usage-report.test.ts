import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { USAGE_REPORT_LIMITS } from '@tollgate/jwt';
import { InvalidRequest } from '../src/errors.js';
import { aggregateUsage, checkUsageReports } from '../src/management/usage-report.js';

const NOW = Date.UTC(2025, 5, 10, 12) / 1000;
const report = { jti: 'tgj_a', api: 'https://orders.example', count: 1, lastUsedAt: NOW - 60 };

describe('usage reports', () => {
  it('folds reports into one entry per secret, API and UTC day, keeping the latest use', () => {
    const yesterday = NOW - 86_400;
    const entries = aggregateUsage([
      { ...report, count: 2, lastUsedAt: NOW - 100, address: '10.0.0.1' },
      { ...report, count: 3, lastUsedAt: NOW - 50, address: '10.0.0.2' },
      { ...report, count: 4, lastUsedAt: NOW - 200 },
      { ...report, count: 5, lastUsedAt: yesterday },
      { ...report, api: 'https://billing.example', count: 6 },
    ]);
    assert.deepEqual(entries, [
      { jti: 'tgj_a', api: report.api, day: '2025-06-10', count: 9, lastUsedAt: NOW - 50, lastUsedAddress: '10.0.0.2' },
      { jti: 'tgj_a', api: report.api, day: '2025-06-09', count: 5, lastUsedAt: yesterday, lastUsedAddress: null },
      {
        jti: 'tgj_a',
        api: 'https://billing.example',
        day: '2025-06-10',
        count: 6,
        lastUsedAt: NOW - 60,
        lastUsedAddress: null,
      },
    ]);
  });

  it('accepts up to 1000 well-formed reports', () => {
    assert.equal(checkUsageReports(Array(1000).fill(report), NOW).length, 1000);
  });

  it('accepts exactly what the SDK may send: the shared limits, at their edge', () => {
    const edge = {
      ...report,
      jti: 'j'.repeat(USAGE_REPORT_LIMITS.jtiLength),
      count: USAGE_REPORT_LIMITS.countPerReport,
      address: 'a'.repeat(USAGE_REPORT_LIMITS.addressLength),
    };
    assert.equal(checkUsageReports([edge], NOW).length, 1);
  });

  it('refuses more than 1000 reports, bad counts, odd times, long addresses and non-strings', () => {
    const bad: unknown[] = [
      Array(1001).fill(report),
      [{ ...report, count: 0 }],
      [{ ...report, count: 1_000_001 }],
      [{ ...report, count: 1.5 }],
      [{ ...report, lastUsedAt: NOW + 3600 }],
      [{ ...report, lastUsedAt: NOW - 40 * 86_400 }],
      [{ ...report, address: 'x'.repeat(USAGE_REPORT_LIMITS.addressLength + 1) }],
      [{ ...report, jti: 'j'.repeat(USAGE_REPORT_LIMITS.jtiLength + 1) }],
      [{ ...report, jti: 7 }],
      [{ ...report, api: '' }],
      [null],
      'not an array',
    ];
    for (const reports of bad) {
      assert.throws(() => checkUsageReports(reports, NOW), InvalidRequest, JSON.stringify(reports).slice(0, 80));
    }
  });
});
