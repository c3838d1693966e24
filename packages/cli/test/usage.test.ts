import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generateEncryptionSecret } from '@tollgate/core';
import { dataDir, run } from './run.js';

// A configured key, so a fresh data dir adds no "generated a key" warning to stderr.
const ENCRYPTION = { TOLLGATE_ENCRYPTION_KEY: generateEncryptionSecret() };
const DATA = dataDir();

/** Exit status 2 and exactly one line on stderr, `tollgate: ...`, with no stack trace. */
async function assertUsageError(args: string[], pattern: RegExp, env: Record<string, string> = {}): Promise<void> {
  const result = await run([...args, '--data', DATA], { env: { ...ENCRYPTION, ...env } });
  assert.equal(result.status, 2, `tollgate ${args.join(' ')}: ${result.stderr}`);
  assert.equal(result.stdout, '');
  const lines = result.stderr.split('\n').filter(Boolean);
  assert.equal(lines.length, 1, result.stderr);
  assert.match(lines[0] ?? '', /^tollgate: /);
  assert.match(lines[0] ?? '', pattern);
  assert.ok(!/\bat .+:\d+:\d+/.test(result.stderr), 'no stack trace');
}

describe('bad arguments: one line, exit status 2', () => {
  it('for an unknown option', () =>
    assertUsageError(['apis', 'list', '--frobnicate'], /unknown option '--frobnicate'/));

  it('for a misspelt option, suggestion included on the same line', () =>
    assertUsageError(['apis', 'add', 'https://a.example', '--scope', 'x'], /unknown option '--scope'.*--scopes/));

  it('for a missing argument', () => assertUsageError(['apis', 'add'], /missing required argument 'identifier'/));

  it('for an option without its value', () =>
    assertUsageError(['apis', 'add', 'https://a.example', '--scopes'], /--scopes/));

  it('for an invalid duration', () =>
    assertUsageError(['apis', 'add', 'https://a.example', '--token-ttl', 'soon'], /--token-ttl.*soon.*duration/));

  it('for a token lifetime the core refuses', () =>
    assertUsageError(['apis', 'add', 'https://a.example', '--token-ttl', '10s'], /lifetime/));

  it('for an unknown command', () => assertUsageError(['frobnicate'], /unknown command 'frobnicate'/));

  it('for an unknown subcommand', () => assertUsageError(['apis', 'frobnicate'], /unknown command 'frobnicate'/));

  it('for a missing command', () => assertUsageError([], /missing command/));

  it('for a missing subcommand, naming the choices', () =>
    assertUsageError(['users'], /missing command: tollgate users add\|list\|set\|remove/));

  it('for too many arguments', () => assertUsageError(['apis', 'list', 'extra'], /too many arguments/));

  it('for an invalid port', () => assertUsageError(['start', '--port', '99999'], /--port/));

  it('for invalid configuration, naming the variable', () =>
    assertUsageError(['apis', 'list'], /logLevel \(from TOLLGATE_LOG_LEVEL\)/, { TOLLGATE_LOG_LEVEL: 'loud' }));

  it('for a server that would need an issuer', () =>
    assertUsageError(['start', '--host', '0.0.0.0'], /issuer: is required/));
});

describe('help and version', () => {
  it('prints help on stdout with exit status 0', async () => {
    const result = await run(['--help']);
    assert.equal(result.status, 0);
    assert.match(result.stdout, /Usage: tollgate/);
    assert.match(result.stdout, /apis/);
  });

  it('prints the version', async () => {
    const result = await run(['--version']);
    assert.equal(result.status, 0);
    assert.match(result.stdout, /^\d+\.\d+\.\d+\n$/);
  });
});
