import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type AddressKind, classifyAddress } from '../src/index.js';

/** [address, kind, range]: the first and last address of each range, and one inside. */
const CASES: ReadonlyArray<readonly [string, AddressKind, string]> = [
  ['0.0.0.0', 'unspecified', '0.0.0.0/8'],
  ['0.255.255.255', 'unspecified', '0.0.0.0/8'],
  ['10.0.0.0', 'private', '10.0.0.0/8'],
  ['10.255.255.255', 'private', '10.0.0.0/8'],
  ['100.64.0.1', 'private', '100.64.0.0/10'],
  ['100.127.255.255', 'private', '100.64.0.0/10'],
  ['127.0.0.1', 'loopback', '127.0.0.0/8'],
  ['127.255.255.254', 'loopback', '127.0.0.0/8'],
  ['169.254.169.254', 'link-local', '169.254.0.0/16'],
  ['169.254.0.0', 'link-local', '169.254.0.0/16'],
  ['172.16.0.1', 'private', '172.16.0.0/12'],
  ['172.31.255.255', 'private', '172.16.0.0/12'],
  ['192.0.0.8', 'reserved', '192.0.0.0/24'],
  ['192.0.2.2', 'reserved', '192.0.2.0/24'],
  ['192.88.99.1', 'reserved', '192.88.99.0/24'],
  ['192.168.0.1', 'private', '192.168.0.0/16'],
  ['192.168.255.255', 'private', '192.168.0.0/16'],
  ['198.18.0.1', 'reserved', '198.18.0.0/15'],
  ['198.19.255.255', 'reserved', '198.18.0.0/15'],
  ['198.51.100.7', 'reserved', '198.51.100.0/24'],
  ['203.0.113.9', 'reserved', '203.0.113.0/24'],
  ['224.0.0.1', 'multicast', '224.0.0.0/4'],
  ['239.255.255.255', 'multicast', '224.0.0.0/4'],
  ['240.0.0.1', 'reserved', '240.0.0.0/4'],
  ['255.255.255.254', 'reserved', '240.0.0.0/4'],
  ['255.255.255.255', 'broadcast', '255.255.255.255/32'],
  ['::', 'unspecified', '::/128'],
  ['::1', 'loopback', '::1/128'],
  ['::7f00:1', 'reserved', '::/96'],
  ['64:ff9b:1::a', 'reserved', '64:ff9b:1::/48'],
  ['100::1', 'reserved', '100::/64'],
  ['2001::1', 'reserved', '2001::/23'],
  ['2001:db8::1', 'reserved', '2001:db8::/32'],
  ['2002:a9fe:a9fe::1', 'reserved', '2002::/16'],
  ['3fff::1', 'reserved', '3fff::/20'],
  ['fc00::1', 'private', 'fc00::/7'],
  ['fd00::2', 'private', 'fc00::/7'],
  ['fdff:ffff::1', 'private', 'fc00::/7'],
  ['fe80::1', 'link-local', 'fe80::/10'],
  ['fe80::fc:ff:fe00:1%eth0', 'link-local', 'fe80::/10'],
  ['febf::1', 'link-local', 'fe80::/10'],
  ['fec0::1', 'reserved', 'outside 2000::/3'],
  ['ff02::1', 'multicast', 'ff00::/8'],
  ['4000::1', 'reserved', 'outside 2000::/3'],
];

/** IPv4-mapped and NAT64 spellings reach the IPv4 address they carry, so they are judged as that address. */
const EMBEDDED: ReadonlyArray<readonly [string, AddressKind, string]> = [
  ['::ffff:169.254.169.254', 'link-local', '169.254.0.0/16'],
  ['::ffff:a9fe:a9fe', 'link-local', '169.254.0.0/16'],
  ['::FFFF:A9FE:A9FE', 'link-local', '169.254.0.0/16'],
  ['0:0:0:0:0:ffff:10.0.0.1', 'private', '10.0.0.0/8'],
  ['::ffff:7f00:1', 'loopback', '127.0.0.0/8'],
  ['::ffff:0.0.0.0', 'unspecified', '0.0.0.0/8'],
  ['::ffff:c0a8:101', 'private', '192.168.0.0/16'],
  ['::ffff:6440:1', 'private', '100.64.0.0/10'],
  ['::ffff:ac10:1', 'private', '172.16.0.0/12'],
  ['::ffff:e000:1', 'multicast', '224.0.0.0/4'],
  ['::ffff:ffff:ffff', 'broadcast', '255.255.255.255/32'],
  ['64:ff9b::a9fe:a9fe', 'link-local', '169.254.0.0/16'],
  ['64:ff9b::10.1.2.3', 'private', '10.0.0.0/8'],
  ['::ffff:8.8.8.8', 'public', '0.0.0.0/0'],
  ['64:ff9b::808:808', 'public', '0.0.0.0/0'],
];

describe('special-purpose addresses', () => {
  it('classifies every special-purpose range at its edges', () => {
    for (const [address, kind, range] of CASES) {
      assert.deepEqual(classifyAddress(address), { kind, range }, address);
    }
  });

  it('judges IPv4-mapped and NAT64 IPv6 addresses as the IPv4 address they carry', () => {
    for (const [address, kind, range] of EMBEDDED) {
      assert.deepEqual(classifyAddress(address), { kind, range }, address);
    }
  });

  it('calls public what lies just outside the ranges', () => {
    for (const address of ['9.255.255.255', '11.0.0.0', '100.63.255.255', '100.128.0.0', '126.255.255.255']) {
      assert.equal(classifyAddress(address)?.kind, 'public', address);
    }
    for (const address of ['169.253.255.255', '169.255.0.0', '172.15.255.255', '172.32.0.0', '192.167.255.255']) {
      assert.equal(classifyAddress(address)?.kind, 'public', address);
    }
    for (const address of ['198.17.255.255', '198.20.0.0', '223.255.255.255', '8.8.8.8', '1.1.1.1']) {
      assert.equal(classifyAddress(address)?.kind, 'public', address);
    }
    for (const address of ['2606:4700:4700::1111', '2001:4860:4860::8888', '2001:200::1', '3ffe:ffff::1']) {
      assert.deepEqual(classifyAddress(address), { kind: 'public', range: '2000::/3' }, address);
    }
  });

  it('answers undefined for what is not an IP address', () => {
    for (const value of ['localhost', 'example.com', '[::1]', '', '1.2.3', '::ffff:1.2.3.4.5', '10.0.0.1/8']) {
      assert.equal(classifyAddress(value), undefined, value);
    }
  });
});
