import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDuration, parseDuration } from '../src/duration.js';

describe('durations', () => {
  it('reads seconds, minutes, hours and days', () => {
    assert.equal(parseDuration('30s'), 30);
    assert.equal(parseDuration('15m'), 900);
    assert.equal(parseDuration('12h'), 43_200);
    assert.equal(parseDuration('30d'), 2_592_000);
  });

  it('takes a bare integer as seconds', () => {
    assert.equal(parseDuration('90'), 90);
    assert.equal(parseDuration(90), 90);
  });

  it('refuses anything else', () => {
    for (const text of ['', '15 minutes', '-5s', '1.5h', '5w', 'm', '15M']) {
      assert.equal(parseDuration(text), undefined, text);
    }
    assert.equal(parseDuration(-1), undefined);
    assert.equal(parseDuration(1.5), undefined);
  });

  it('formats with the largest exact unit', () => {
    assert.equal(formatDuration(900), '15m');
    assert.equal(formatDuration(90), '90s');
    assert.equal(formatDuration(86_400), '1d');
    assert.equal(formatDuration(7200), '2h');
  });
});
