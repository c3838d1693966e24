import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { z } from 'zod';
import { LOG_LEVELS, filePath, flag, integer, logLevel, redisUrl } from '../src/index.js';

function messageOf(schema: z.ZodType, value: unknown): string | undefined {
  const result = schema.safeParse(value);
  return result.success ? undefined : result.error.issues.map((issue) => issue.message).join('; ');
}

describe('integer', () => {
  const port = integer(0, 65_535);

  it('takes a number or its digits in a string, as environment variables and flags give it', () => {
    assert.equal(port.parse(8080), 8080);
    assert.equal(port.parse(' 8080 '), 8080);
    assert.equal(integer(-5, 5).parse('-3'), -3);
  });

  it('refuses what is not an integer within its bounds, saying which', () => {
    assert.equal(messageOf(port, 'eighty'), 'must be an integer');
    assert.equal(messageOf(port, 80.5), 'must be an integer');
    assert.equal(messageOf(port, '1e3'), 'must be an integer');
    assert.equal(messageOf(port, 70_000), 'must be at most 65535');
    assert.equal(messageOf(port, '-1'), 'must be at least 0');
  });
});

describe('flag', () => {
  it('takes true and false, and their spellings in text', () => {
    for (const value of [true, 'true', 'TRUE', '1', 'yes', ' on '])
      assert.equal(flag.parse(value), true, String(value));
    for (const value of [false, 'false', '0', 'No', 'off']) assert.equal(flag.parse(value), false, String(value));
  });

  it('refuses anything else', () => {
    for (const value of ['maybe', '', 1, null]) assert.equal(messageOf(flag, value), 'must be true or false');
  });
});

describe('filePath', () => {
  it('takes a non-empty string', () => {
    assert.equal(filePath.parse('tls/cert.pem'), 'tls/cert.pem');
    assert.equal(messageOf(filePath, ''), 'must not be empty');
    assert.equal(messageOf(filePath, 5), 'must be a file path');
  });
});

describe('redisUrl', () => {
  it('takes redis:// and rediss:// URLs naming a host', () => {
    for (const url of ['redis://127.0.0.1:6379', 'rediss://:secret@cache.internal:6380/2', 'REDIS://cache']) {
      assert.equal(redisUrl.parse(url), url);
    }
  });

  it('refuses other schemes, no host and non-URLs without echoing the value', () => {
    for (const url of ['http://cache:6379', 'redis://', 'redis:///0', 'redis://:p4ss@/0', 'cache:6379']) {
      assert.equal(messageOf(redisUrl, url), 'must be a redis:// or rediss:// URL', url);
    }
  });
});

describe('logLevel', () => {
  it("takes pino's levels and defaults to info", () => {
    assert.deepEqual([...LOG_LEVELS], ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);
    assert.equal(logLevel.parse(undefined), 'info');
    assert.equal(logLevel.parse('debug'), 'debug');
    assert.equal(messageOf(logLevel, 'loud'), 'must be one of fatal, error, warn, info, debug, trace, silent');
  });
});
