/**
 * The Tollgate gateway in this process, through its public API only (`parseGatewayConfig`, `startGateway`),
 * in front of a real Tollgate server. Its JSON log lines are captured, so a test can check them and
 * check that no token ever reaches them.
 */
import { parseGatewayConfig, startGateway } from '@tollgate/gateway';

export interface GatewayUnderTest {
  url: string;
  /** Everything the gateway logged so far. */
  logText(): string;
  close(): Promise<void>;
}

export async function startGatewayFor(settings: Record<string, unknown>): Promise<GatewayUnderTest> {
  const config = parseGatewayConfig({ listen: { host: '127.0.0.1', port: 0 }, ...settings });
  const lines: string[] = [];
  const gateway = await startGateway(config, { logDestination: { write: (line: string) => lines.push(line) } });
  return { url: gateway.url, logText: () => lines.join(''), close: () => gateway.close() };
}
