import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hostForUrl, isAddressOrCidr, isLoopbackAddress, isLoopbackHost, unmappedAddress } from '../src/index.js';

describe('addresses', () => {
  it('knows loopback in every spelling a socket or a config uses', () => {
    for (const address of ['127.0.0.1', '127.255.0.9', '::1', '::ffff:127.0.0.1', '::FFFF:127.1.2.3']) {
      assert.equal(isLoopbackAddress(address), true, address);
    }
    for (const address of ['10.0.0.1', '::ffff:10.0.0.1', '::2', '0.0.0.0', 'localhost', '', undefined]) {
      assert.equal(isLoopbackAddress(address), false, String(address));
    }
    assert.equal(isLoopbackHost('localhost'), true);
    assert.equal(isLoopbackHost('[::1]'), true);
    assert.equal(isLoopbackHost('0.0.0.0'), false);
  });

  it('unmaps IPv4-mapped IPv6 and leaves everything else alone', () => {
    assert.equal(unmappedAddress('::ffff:192.0.2.1'), '192.0.2.1');
    assert.equal(unmappedAddress('2001:db8::1'), '2001:db8::1');
    assert.equal(unmappedAddress(undefined), undefined);
  });

  it('accepts addresses and CIDR ranges whose prefix fits the family, nothing else', () => {
    for (const entry of ['10.0.0.1', '10.0.0.0/8', '0.0.0.0/0', '2001:db8::/32', '::1/128']) {
      assert.equal(isAddressOrCidr(entry), true, entry);
    }
    for (const entry of ['10.0.0.0/33', '2001:db8::/129', '10.0.0.0/8/1', '10.0.0.0/x', 'example.com', '']) {
      assert.equal(isAddressOrCidr(entry), false, entry);
    }
  });

  it('brackets IPv6 literals for a URL', () => {
    assert.equal(hostForUrl('::1'), '[::1]');
    assert.equal(hostForUrl('127.0.0.1'), '127.0.0.1');
  });
});
