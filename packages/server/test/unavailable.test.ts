import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ServiceUnavailable } from '@tollgate/core';
import { isDatabaseUnavailable, openPostgresStore } from '@tollgate/store-sql';
import { renderError } from '../src/http/errors.js';
import { StorageFull, asServiceUnavailable } from '../src/http/unavailable.js';

const coded = (code: string) => Object.assign(new Error(`failure ${code}`), { code });

describe('recognising a database that is away', () => {
  it('recognises a real refused connection to PostgreSQL', async () => {
    const failure = await openPostgresStore({ connectionString: 'postgres://u:pw@127.0.0.1:1/x' }).then(
      () => assert.fail('connected to port 1'),
      (error: unknown) => error,
    );
    assert.equal(isDatabaseUnavailable(failure), true);
    assert.ok(!String((failure as Error).message).includes('pw'), 'the password is in the message');
  });

  it('recognises PostgreSQL shutdown, startup, connection-class and timeout codes', () => {
    for (const code of ['57P01', '57P02', '57P03', '08006', '08001', '57014', '53300', 'ECONNRESET', 'ETIMEDOUT']) {
      assert.equal(isDatabaseUnavailable(coded(code)), true, code);
    }
  });

  it("recognises node-postgres's code-less messages for dead and timed-out connections", () => {
    for (const message of [
      'Connection terminated unexpectedly',
      'timeout exceeded when trying to connect',
      'Query read timeout',
      'Client has encountered a connection error and is not queryable',
    ]) {
      assert.equal(isDatabaseUnavailable(new Error(message)), true, message);
    }
  });

  it('follows causes and aggregated connection attempts', () => {
    assert.equal(isDatabaseUnavailable(new Error('wrapped', { cause: coded('ECONNREFUSED') })), true);
    assert.equal(isDatabaseUnavailable(new AggregateError([coded('ECONNREFUSED'), coded('EHOSTUNREACH')])), true);
  });

  it('leaves real bugs alone: constraint violations, syntax errors, plain errors', () => {
    for (const error of [coded('23505'), coded('42601'), coded('SQLITE_CONSTRAINT'), new Error('boom'), 'text', null]) {
      assert.equal(isDatabaseUnavailable(error), false, String((error as { code?: string })?.code ?? error));
    }
  });
});

describe('answering a client while the database is away', () => {
  it('renders 503 temporarily_unavailable with Retry-After and no internal detail', () => {
    const mapped = asServiceUnavailable(coded('ECONNREFUSED'));
    assert.ok(mapped instanceof ServiceUnavailable);
    const rendered = renderError(mapped, 1024);
    assert.deepEqual(rendered, {
      status: 503,
      body: { error: 'temporarily_unavailable', error_description: 'The database is unavailable; try again shortly' },
      headers: { 'retry-after': '2' },
    });
  });

  it('renders a full disk (SQLite or PostgreSQL) as 503 temporarily_unavailable, keeping the cause for the log', () => {
    for (const code of ['SQLITE_FULL', '53100']) {
      const failure = new Error('wrapped', { cause: coded(code) });
      const mapped = asServiceUnavailable(failure);
      assert.ok(mapped instanceof StorageFull, code);
      assert.equal(mapped.detail, undefined, 'the cause is logged once by readiness, not per request');
      assert.equal(mapped.cause, failure);
      assert.deepEqual(renderError(mapped, 1024), {
        status: 503,
        body: {
          error: 'temporarily_unavailable',
          error_description: 'The server cannot store data right now; try again shortly',
        },
        headers: { 'retry-after': '2' },
      });
    }
  });

  it('leaves any other error to be a generic 500', () => {
    const error = new Error('boom');
    assert.equal(asServiceUnavailable(error), error);
    assert.equal(renderError(error, 1024).status, 500);
  });
});
