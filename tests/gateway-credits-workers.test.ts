/**
 * `tollgate gateway --workers 2`, its own process: an API token's credits stay exact and its own rate limit holds
 * across both workers (credits taken at the server, the rate limit counted over IPC by the primary), as for one
 * gateway. No Redis here: the workers of one gateway share their counters through the primary.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CommandProcess } from './support/command.js';
import { burst, statusCounts } from './support/credits.js';
import { gatewayYaml, startGatewayProcess } from './support/gateway-process.js';
import { freePort } from './support/ports.js';
import { addClient, cliJson, seedStandard, USER_API } from './support/seed.js';
import { startTollgate, type TollgateProcess } from './support/tollgate.js';
import { type RecordingUpstream, startRecordingUpstream } from './support/upstream.js';

describe('API-token quotas across the workers of one gateway', () => {
  let server: TollgateProcess;
  let upstream: RecordingUpstream;
  let workDir: string;
  let gateway: CommandProcess;
  let gatewayUrl: string;

  before(async () => {
    server = await startTollgate();
    await seedStandard(server);
    const client = await addClient(server, 'verifiers', { scopes: ['read:data'], apis: [USER_API] });
    upstream = await startRecordingUpstream();
    workDir = mkdtempSync(join(tmpdir(), 'tollgate-gateway-workers-'));
    const yaml = [
      ...gatewayYaml({ port: await freePort(), issuer: server.url, audience: USER_API, clientId: client.clientId }),
      'routes:',
      '  - path: /data',
      `    upstream: ${upstream.url}`,
      '',
    ].join('\n');
    const env = { TOLLGATE_GATEWAY_CLIENT_SECRET: client.clientSecret };
    ({ gateway, url: gatewayUrl } = await startGatewayProcess(workDir, yaml, env, ['--workers', '2']));
  });
  after(async () => {
    await gateway?.stop('SIGKILL').catch(() => undefined);
    await upstream?.close();
    await server?.stop();
    if (workDir !== undefined) rmSync(workDir, { recursive: true, force: true });
  });

  async function token(quotas: readonly string[]): Promise<string> {
    const args = ['tokens', 'create', '--name', 'worker', '--user', 'alice', '--api', USER_API, '--scope', 'read:data'];
    return ((await cliJson(server, [...args, ...quotas])) as { secret: string }).secret;
  }

  it('admits exactly the credits across both workers', async () => {
    const answers = await burst([`${gatewayUrl}/data`], await token(['--credits', '50']), 300);
    assert.deepEqual(statusCounts(answers), { 200: 50, 429: 250 });
  });

  it("holds the token's own rate limit across both workers", async () => {
    const answers = await burst([`${gatewayUrl}/data`], await token(['--rate-limit', '10/60s']), 40, 8);
    assert.deepEqual(statusCounts(answers), { 200: 10, 429: 30 });
  });
});
