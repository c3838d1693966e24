import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { VerifiedToken } from '@tollgate/verify';
import { pino } from 'pino';
import { AccessLog, type AccessLogEntry } from '../src/access-log.js';
import type { Route } from '../src/routes.js';

const TOKEN = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.c2lnbmF0dXJl';

function entry(overrides: Partial<AccessLogEntry> = {}): AccessLogEntry {
  const token = { subject: 'usér "42"\u2028', clientId: 'client-7', claims: { jti: 'j' } } as unknown as VerifiedToken;
  return {
    method: 'GET',
    route: { prefix: '/data' } as Route,
    path: '/data/é',
    rawTarget: `/data/%C3%A9?access_token=${TOKEN}`,
    status: 200,
    startedAt: performance.now(),
    token,
    ...overrides,
  };
}

/** An access log and a pino logger over one captured stream, with the bindings a worker's logger has. */
function capture(level: 'info' | 'warn' = 'info') {
  const lines: string[] = [];
  const logger = pino(
    { level, base: { service: 'tollgate-gateway', pid: 1234 } },
    { write: (line) => lines.push(line) },
  );
  return { lines, logger, accessLog: new AccessLog(logger, { write: (line: string) => lines.push(line) }) };
}

describe('the access log', () => {
  it('writes the line pino would write for the same fields, in ASCII, bindings (pid) included', () => {
    const { lines, logger, accessLog } = capture();
    const logged = entry();
    accessLog.write(logged);
    const fields = {
      method: 'GET',
      route: '/data',
      path: '/data/é',
      status: 200,
      latencyMs: 0,
      subject: logged.token?.subject,
      client_id: 'client-7',
    };
    logger.info(fields, 'request');
    const [ours, pinos] = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.equal(typeof ours?.latencyMs, 'number');
    assert.deepEqual({ ...ours, time: 0, latencyMs: 0 }, { ...pinos, time: 0 });
    assert.deepEqual(Object.keys(ours ?? {}), Object.keys(pinos ?? {}), 'the same members in the same order');
    assert.match(lines[0] ?? '', /^[\x20-\x7e]*\n$/);
  });

  it('never writes the token, the query string or the scheme, whatever the entry holds', () => {
    const { lines, accessLog } = capture();
    accessLog.write(entry({ path: undefined }));
    accessLog.write(entry({ route: undefined, path: undefined, token: undefined, status: 401 }));
    const raw = lines.join('');
    assert.ok(!raw.includes(TOKEN), raw);
    assert.ok(!raw.includes('c2lnbmF0dXJl'), 'the signature is in the log');
    assert.ok(!raw.includes('access_token'), 'the query string is in the log');
    assert.equal((JSON.parse(lines[0] ?? '') as { path?: string }).path, '/data/%C3%A9');
  });

  it("names each line's own method and route, however many lines of the same route came before", () => {
    const { lines, accessLog } = capture();
    const data = { prefix: '/data' } as Route;
    const cafe = { prefix: '/café' } as Route;
    for (const [method, route] of [
      ['GET', data],
      ['POST', data],
      ['GET', data],
      ['GET', cafe],
      ['PATCH', cafe],
      ['DELETE', undefined],
    ] as const) {
      accessLog.write(entry({ method, route }));
    }
    const heads = lines.map((line) => {
      const { method, route } = JSON.parse(line) as { method: string; route?: string };
      return `${method} ${route}`;
    });
    assert.deepEqual(heads, ['GET /data', 'POST /data', 'GET /data', 'GET /café', 'PATCH /café', 'DELETE undefined']);
    assert.match(lines[3] ?? '', /"route":"\/caf\\u00e9"/);
  });

  it('writes 5xx answers at warn with the upstream error, and nothing below the logger level', () => {
    const { lines, accessLog } = capture('warn');
    accessLog.write(entry());
    accessLog.write(entry({ status: 502, upstreamError: 'ECONNREFUSED', mode: 'websocket' }));
    assert.equal(lines.length, 1);
    const line = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
    assert.equal(line.level, 40);
    assert.equal(line.upstreamError, 'ECONNREFUSED');
    assert.equal(line.mode, 'websocket');
  });
});
