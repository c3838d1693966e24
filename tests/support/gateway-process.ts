/** `tollgate gateway --config gateway.yaml` as its own process, started in `workDir` and waited for until it listens. */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CommandProcess, spawnTollgate } from './command.js';

const READY = /Tollgate gateway listening on (http:\/\/127\.0\.0\.1:\d+)/;

export async function startGatewayProcess(
  workDir: string,
  yaml: string,
  env: Record<string, string>,
  extraArgs: readonly string[] = [],
): Promise<{ gateway: CommandProcess; url: string }> {
  writeFileSync(join(workDir, 'gateway.yaml'), yaml);
  const gateway = spawnTollgate(['gateway', '--config', 'gateway.yaml', ...extraArgs], workDir, env);
  const printed = await gateway.waitFor('Tollgate gateway listening on');
  const url = READY.exec(printed)?.[1];
  assert.ok(url, printed);
  return { gateway, url };
}

/** The head of a gateway.yaml: listening on loopback, in front of `issuer`, checking tokens as `clientId`. */
export function gatewayYaml(settings: { port: number; issuer: string; audience: string; clientId: string }): string[] {
  return [
    'listen:',
    '  host: 127.0.0.1',
    `  port: ${settings.port}`,
    `issuer: ${settings.issuer}`,
    `audience: ${settings.audience}`,
    'client:',
    `  clientId: ${settings.clientId}`,
  ];
}
