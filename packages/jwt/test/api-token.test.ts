import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { API_TOKEN_LENGTH, API_TOKEN_PREFIX, checkApiTokenFormat, generateApiToken, isApiToken } from '../src/index.js';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

describe('API token format', () => {
  it('generates tg_ tokens of 52 base62 characters that pass the format check', () => {
    for (let i = 0; i < 200; i++) {
      const token = generateApiToken();
      assert.equal(token.length, API_TOKEN_LENGTH);
      assert.equal(API_TOKEN_LENGTH, 52);
      assert.match(token, /^tg_[0-9A-Za-z]{49}$/);
      assert.equal(checkApiTokenFormat(token), 'ok');
    }
  });

  it('never generates the same token twice', () => {
    const tokens = new Set(Array.from({ length: 1000 }, generateApiToken));
    assert.equal(tokens.size, 1000);
  });

  it('refuses every single-character substitution after the prefix by its checksum', () => {
    const token = generateApiToken();
    let tried = 0;
    for (let position = API_TOKEN_PREFIX.length; position < token.length; position++) {
      for (const replacement of BASE62) {
        if (replacement === token[position]) continue;
        const typo = token.slice(0, position) + replacement + token.slice(position + 1);
        assert.equal(checkApiTokenFormat(typo), 'checksum', `substitution at ${position}`);
        tried++;
      }
    }
    assert.equal(tried, 49 * 61);
  });

  it('refuses a wrong prefix, a wrong length and characters outside base62', () => {
    const token = generateApiToken();
    assert.equal(checkApiTokenFormat(`tG_${token.slice(3)}`), 'prefix');
    assert.equal(checkApiTokenFormat(`ghp_${token.slice(3)}`), 'prefix');
    assert.equal(checkApiTokenFormat(''), 'prefix');
    assert.equal(checkApiTokenFormat(token.slice(0, -1)), 'length');
    assert.equal(checkApiTokenFormat(`${token}A`), 'length');
    assert.equal(checkApiTokenFormat(`${token.slice(0, 10)}-${token.slice(11)}`), 'charset');
    assert.equal(checkApiTokenFormat(`${token.slice(0, 10)}_${token.slice(11)}`), 'charset');
  });

  it('recognises the prefix for routing without checking the rest', () => {
    assert.equal(isApiToken('tg_anything'), true);
    assert.equal(isApiToken('eyJhbGciOi.x.y'), false);
    assert.equal(isApiToken('tgr_refresh'), false);
  });

  it('keeps accepting tokens issued before the checksum moved to zlib.crc32', () => {
    // Made by the earlier hand-written CRC-32: a change of checksum would lock out every token in use.
    assert.equal(checkApiTokenFormat('tg_Gb9L8Bd1tQlZncHslMDGP6hZ5IqdVHyYpEC9hooJ5jo2EoWz3'), 'ok');
    assert.equal(checkApiTokenFormat('tg_Gb9L8Bd1tQlZncHslMDGP6hZ5IqdVHyYpEC9hooJ5jo2EoWz4'), 'checksum');
  });
});
