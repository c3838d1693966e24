/** Starts a gateway in this process with a config object, capturing its JSON log lines. */
import { type GatewayConfigInput, parseGatewayConfig, startGateway } from '../../src/index.js';
import { API } from './issuer.js';

export interface TestGateway {
  url: string;
  /** Parsed log lines so far. */
  logs(): Array<Record<string, unknown>>;
  /** The raw log output, for "never contains the token" checks. */
  rawLogs(): string;
  close(): Promise<void>;
}

export type TestConfig = Partial<Omit<GatewayConfigInput, 'routes'>> & { routes: unknown[] };

export async function startTestGateway(issuer: string, input: TestConfig): Promise<TestGateway> {
  const config = parseGatewayConfig({ issuer, audience: API, listen: { port: 0 }, ...input });
  const lines: string[] = [];
  const gateway = await startGateway(config, { logDestination: { write: (line: string) => lines.push(line) } });
  return {
    url: gateway.url,
    logs: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
    rawLogs: () => lines.join(''),
    close: () => gateway.close(),
  };
}
