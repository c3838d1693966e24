import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type TransportFacts, judgeTransport, trustedProxies } from '../src/index.js';

const noProxy = trustedProxies(false);
const proxy = trustedProxies(['10.0.0.0/8', '2001:db8::1']);

function facts(overrides: Partial<TransportFacts>): TransportFacts {
  return {
    encrypted: false,
    peerAddress: '203.0.113.7',
    clientAddress: '203.0.113.7',
    forwardedProto: undefined,
    ...overrides,
  };
}

describe('transport security (HTTPS required except on loopback)', () => {
  it('accepts TLS from anywhere, with HSTS', () => {
    assert.deepEqual(judgeTransport(facts({ encrypted: true }), noProxy), { allowed: true, hsts: true });
  });

  it('accepts plain HTTP from loopback, without HSTS', () => {
    for (const address of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1']) {
      assert.deepEqual(
        judgeTransport(facts({ peerAddress: address, clientAddress: address }), noProxy),
        {
          allowed: true,
          hsts: false,
        },
        address,
      );
    }
  });

  it('refuses plain HTTP from any other address with a clear reason', () => {
    for (const address of ['203.0.113.7', '10.1.2.3', '::ffff:192.0.2.1', '2001:db8::5', '0.0.0.0']) {
      const verdict = judgeTransport(facts({ peerAddress: address, clientAddress: address }), noProxy);
      assert.equal(verdict.allowed, false, address);
      assert.match(!verdict.allowed ? verdict.reason : '', /^HTTPS is required: /);
    }
  });

  it('ignores X-Forwarded-Proto from a proxy that is not trusted', () => {
    const verdict = judgeTransport(facts({ forwardedProto: 'https' }), noProxy);
    assert.equal(verdict.allowed, false);
  });

  it('accepts a trusted proxy that forwarded HTTPS, with HSTS', () => {
    const verdict = judgeTransport(facts({ peerAddress: '10.0.0.5', forwardedProto: 'https' }), proxy);
    assert.deepEqual(verdict, { allowed: true, hsts: true });
    const v6 = judgeTransport(facts({ peerAddress: '2001:db8::1', forwardedProto: 'HTTPS' }), proxy);
    assert.deepEqual(v6, { allowed: true, hsts: true });
    const mapped = judgeTransport(facts({ peerAddress: '::ffff:10.0.0.5', forwardedProto: 'https' }), proxy);
    assert.deepEqual(mapped, { allowed: true, hsts: true });
  });

  it('refuses a trusted proxy that forwarded plain HTTP from a remote client', () => {
    for (const forwardedProto of [undefined, 'http', 'https, http', '']) {
      const verdict = judgeTransport(facts({ peerAddress: '10.0.0.5', forwardedProto }), proxy);
      assert.equal(verdict.allowed, false, String(forwardedProto));
    }
  });

  it('accepts a trusted loopback proxy forwarding a loopback client over plain HTTP', () => {
    const local = trustedProxies(['127.0.0.1']);
    const verdict = judgeTransport(facts({ peerAddress: '127.0.0.1', clientAddress: '127.0.0.1' }), local);
    assert.deepEqual(verdict, { allowed: true, hsts: false });
    const remote = judgeTransport(facts({ peerAddress: '127.0.0.1', clientAddress: '198.51.100.4' }), local);
    assert.equal(remote.allowed, false);
  });
});

describe('one rule for the server and the gateway', () => {
  it('refuses plain HTTP that a trusted loopback proxy forwarded for a remote client, without X-Forwarded-Proto', () => {
    // The gateway used to accept this: a trusted proxy without the header fell back to "the peer is loopback".
    const local = trustedProxies(['127.0.0.1']);
    const verdict = judgeTransport(
      facts({ peerAddress: '::ffff:127.0.0.1', clientAddress: '198.51.100.4', forwardedProto: undefined }),
      local,
    );
    assert.equal(verdict.allowed, false);
  });

  it('trusts IPv4-mapped peers by the IPv4 address they carry, for single addresses and ranges', () => {
    const trust = trustedProxies(['192.0.2.10', '10.0.0.0/8']);
    assert.equal(trust('::ffff:192.0.2.10'), true);
    assert.equal(trust('::ffff:10.9.8.7'), true);
    assert.equal(trust('::ffff:192.0.2.11'), false);
    assert.equal(trust(undefined), false);
    assert.equal(trust('not an address'), false);
  });
});
