import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidRequest } from '../src/errors.js';
import { checkExternalId, checkTokenMetadata } from '../src/management/api-token-metadata.js';
import { graceEndsAt } from '../src/management/api-token-rules.js';

function refusal(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    assert.ok(error instanceof InvalidRequest, `expected InvalidRequest, got ${String(error)}`);
    return error.message;
  }
  assert.fail('accepted');
}

describe('API token metadata', () => {
  it('accepts up to 20 keys of strings, finite numbers and booleans, and copies them', () => {
    const input = { plan: 'pro', seats: 5, ratio: 0.5, trial: false, empty: '' };
    const checked = checkTokenMetadata(input);
    assert.deepEqual(checked, input);
    assert.notEqual(checked, input);
    const twenty = Object.fromEntries(Array.from({ length: 20 }, (_, index) => [`k${index}`, index]));
    assert.deepEqual(checkTokenMetadata(twenty), twenty);
  });

  it('names the limit each refusal hits', () => {
    const many = Object.fromEntries(Array.from({ length: 21 }, (_, index) => [`k${index}`, index]));
    assert.equal(
      refusal(() => checkTokenMetadata(many)),
      'metadata may have at most 20 keys; it has 21',
    );
    assert.equal(
      refusal(() => checkTokenMetadata(['pro'])),
      'metadata must be a JSON object',
    );
    assert.equal(
      refusal(() => checkTokenMetadata(null)),
      'metadata must be a JSON object',
    );
    assert.equal(
      refusal(() => checkTokenMetadata({ a: null })),
      'metadata.a must be a string, number or boolean',
    );
    assert.equal(
      refusal(() => checkTokenMetadata({ a: [1] })),
      'metadata.a must be a string, number or boolean',
    );
    assert.equal(
      refusal(() => checkTokenMetadata({ a: Number.NaN })),
      'metadata.a must be a finite number',
    );
    assert.equal(
      refusal(() => checkTokenMetadata({ a: 'x'.repeat(501) })),
      'metadata.a may be at most 500 characters',
    );
    assert.equal(
      refusal(() => checkTokenMetadata({ a: 'line\r\nX-Evil: 1' })),
      'metadata.a must not contain control characters',
    );
    assert.equal(
      refusal(() => checkTokenMetadata({ '': 1 })),
      'metadata keys must be 1 to 40 characters',
    );
    assert.equal(
      refusal(() => checkTokenMetadata({ ['k'.repeat(41)]: 1 })),
      'metadata keys must be 1 to 40 characters',
    );
  });

  it('counts the 1 KiB limit in UTF-8 bytes of the JSON, not in characters', () => {
    // 3 keys of 300 two-byte characters: 900 characters, but over 1800 bytes.
    const wide = Object.fromEntries(Array.from({ length: 3 }, (_, index) => [`k${index}`, 'é'.repeat(300)]));
    assert.match(
      refusal(() => checkTokenMetadata(wide)),
      /^metadata may be at most 1024 bytes as JSON; it is 18\d\d$/,
    );
    // Exactly 1024 bytes passes: {"a":"..."} is 8 bytes of JSON around the value.
    assert.deepEqual(Object.keys(checkTokenMetadata({ a: 'x'.repeat(500), b: 'y'.repeat(500) })), ['a', 'b']);
  });
});

describe('API token external id', () => {
  it('accepts 1 to 128 characters, or null to clear it', () => {
    assert.equal(checkExternalId('cus_123'), 'cus_123');
    assert.equal(checkExternalId('x'.repeat(128)), 'x'.repeat(128));
    assert.equal(checkExternalId(null), null);
    assert.equal(
      refusal(() => checkExternalId('x'.repeat(129))),
      'externalId must be 1 to 128 characters',
    );
    assert.equal(
      refusal(() => checkExternalId('')),
      'externalId must be 1 to 128 characters',
    );
    assert.equal(
      refusal(() => checkExternalId(42)),
      'externalId must be a string or null',
    );
  });
});

describe('grace periods', () => {
  it('ends a grace 1 s to 7 days from now, and none is none', () => {
    assert.equal(graceEndsAt(undefined, 1_000), null);
    assert.equal(graceEndsAt(1, 1_000), 1_001);
    assert.equal(graceEndsAt(604_800, 1_000), 605_800);
    for (const bad of [0, -1, 604_801, 1.5, Number.NaN]) {
      assert.equal(
        refusal(() => graceEndsAt(bad, 1_000)),
        'graceSeconds must be a whole number from 1 to 604800 (7 days)',
        String(bad),
      );
    }
  });
});
