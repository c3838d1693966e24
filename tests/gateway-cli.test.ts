/**
 * `tollgate gateway --config gateway.yaml` as an operator runs it: its own process, a YAML file, the client
 * secret from the environment, a real Tollgate behind it. Requests are checked and forwarded, a revocation at
 * the server reaches this separate process within a second, the access log is JSON without tokens, and
 * SIGTERM stops it with exit status 0.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { assertBearerRefusal } from './support/challenge.js';
import type { CommandProcess } from './support/command.js';
import { gatewayYaml, startGatewayProcess } from './support/gateway-process.js';
import { claimsOf } from './support/forge.js';
import { request } from './support/http.js';
import { freePort } from './support/ports.js';
import { addClient, seedStandard, type StandardSeed, USER_API } from './support/seed.js';
import { jsonLogin, revoke } from './support/tokens.js';
import { startTollgate, type TollgateProcess } from './support/tollgate.js';
import { type RecordingUpstream, type ReceivedRequest, startRecordingUpstream } from './support/upstream.js';

describe('tollgate gateway --config, in its own process', () => {
  let server: TollgateProcess;
  let seed: StandardSeed;
  let upstream: RecordingUpstream;
  let workDir: string;
  let gateway: CommandProcess;
  let gatewayUrl: string;
  let streamSecret: string;
  const used: string[] = [];

  before(async () => {
    server = await startTollgate();
    seed = await seedStandard(server);
    const streamClient = await addClient(server, 'gateway', { scopes: ['read:data'] });
    streamSecret = streamClient.clientSecret;
    upstream = await startRecordingUpstream();
    workDir = mkdtempSync(join(tmpdir(), 'tollgate-gateway-cli-'));
    const yaml = [
      '# In front of the recording upstream; the client secret comes from the environment.',
      ...gatewayYaml({
        port: await freePort(),
        issuer: server.url,
        audience: USER_API,
        clientId: streamClient.clientId,
      }),
      'routes:',
      '  - path: /data',
      '    methods: [GET]',
      `    upstream: ${upstream.url}`,
      '    scopes: read:data',
      '',
    ].join('\n');
    ({ gateway, url: gatewayUrl } = await startGatewayProcess(workDir, yaml, {
      TOLLGATE_GATEWAY_CLIENT_SECRET: streamClient.clientSecret,
    }));
  });
  after(async () => {
    await gateway?.stop('SIGKILL').catch(() => undefined);
    await upstream?.close();
    await server?.stop();
    if (workDir !== undefined) rmSync(workDir, { recursive: true, force: true });
  });

  it('forwards a request with a valid token and the identity headers, and refuses one without', async () => {
    const { access_token: token } = await jsonLogin(server.url, seed.user.username, seed.user.password);
    used.push(token);
    const before = upstream.received.length;
    const result = await request(`${gatewayUrl}/data`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(result.status, 200, result.text);
    const received = upstream.received[before] as ReceivedRequest;
    assert.deepEqual(received.headers['x-tollgate-subject'], [claimsOf(token).sub]);
    assert.equal(received.headers.authorization, undefined);
    assertBearerRefusal(await request(`${gatewayUrl}/data`), { status: 401, realm: USER_API }, 'no token');
    assert.equal(upstream.received.length, before + 1, 'the refused request never reached the upstream');
  });

  it('refuses a token revoked at the server within 1 s', async (t) => {
    const { access_token: token } = await jsonLogin(server.url, seed.user.username, seed.user.password);
    used.push(token);
    const headers = { authorization: `Bearer ${token}` };
    assert.equal((await request(`${gatewayUrl}/data`, { headers })).status, 200);
    await revoke(server.url, undefined, token);
    const revokedAt = performance.now();
    for (;;) {
      const result = await request(`${gatewayUrl}/data`, { headers });
      const elapsedMs = performance.now() - revokedAt;
      if (result.status !== 200) {
        t.diagnostic(`refused ${Math.round(elapsedMs)} ms after the revocation`);
        assertBearerRefusal(result, {
          status: 401,
          realm: USER_API,
          error: 'invalid_token',
          description: 'The access token was revoked',
        });
        assert.ok(elapsedMs < 1_000, `refused only after ${Math.round(elapsedMs)} ms`);
        return;
      }
      assert.ok(elapsedMs < 5_000, 'the gateway process never heard of the revocation');
      await sleep(25);
    }
  });

  it('logs each request as JSON with subject and status, never a token, and stops on SIGTERM with 0', async () => {
    const ended = await gateway.stop('SIGTERM');
    assert.deepEqual(ended, { code: 0, signal: null }, gateway.stderr());
    const lines = gateway
      .stdout()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const forwarded = lines.find((line) => line.status === 200 && line.path === '/data');
    assert.ok(forwarded, `an access log line for the forwarded request:\n${gateway.stdout()}`);
    assert.equal(forwarded.subject, claimsOf(used[0] as string).sub);
    assert.equal(typeof forwarded.latencyMs, 'number');
    assert.ok(
      lines.some((line) => line.status === 401),
      'an access log line for the refused request',
    );
    for (const token of used) assert.ok(!gateway.stdout().includes(token), 'a token reached the access log');
    const output = gateway.stdout() + gateway.stderr();
    assert.ok(!output.includes(streamSecret), 'the client secret reached the output');
  });
});
