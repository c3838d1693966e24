import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { callerAddress } from '../src/index.js';

describe('caller address (reported with API-token uses)', () => {
  it('is the peer when the peer is not a trusted proxy, whatever X-Forwarded-For claims', () => {
    assert.equal(callerAddress('198.51.100.4', false, '203.0.113.9'), '198.51.100.4');
  });

  it("is the trusted proxy's own view of its client: the last X-Forwarded-For entry, not the client's claims", () => {
    assert.equal(callerAddress('10.0.0.2', true, '192.0.2.66, 203.0.113.9'), '203.0.113.9');
    assert.equal(callerAddress('10.0.0.2', true, '2001:db8::7'), '2001:db8::7');
  });

  it('falls back to the peer when a trusted proxy sent no X-Forwarded-For or garbage in it', () => {
    assert.equal(callerAddress('10.0.0.2', true, undefined), '10.0.0.2');
    assert.equal(callerAddress('10.0.0.2', true, '203.0.113.9, unknown'), '10.0.0.2');
  });
});
