/**
 * Tollgate over HTTPS for the dashboard's browser tests (the session cookie is `__Host-` and Secure, so plain
 * HTTP would test something no browser accepts), seeded with the standard fixture plus an administrator.
 */
import { Agent } from 'undici';
import { cliJson, type StandardSeed, seedStandard } from './seed.js';
import { makeSelfSignedCertificate, type SelfSignedCertificate } from './tls.js';
import { type StartOptions, startTollgate, type TollgateProcess } from './tollgate.js';

export const ADMIN = { username: 'root', password: 'admin password for tests' };

export interface DashboardServer {
  server: TollgateProcess;
  seed: StandardSeed;
  certificate: SelfSignedCertificate;
  /** fetch that trusts exactly the throwaway certificate. */
  fetch: typeof fetch;
  stop(): Promise<void>;
}

/** `options`: more of the server's configuration, such as `dashboard.signIn`. */
export async function startDashboardServer(
  options: Pick<StartOptions, 'env' | 'config'> = {},
): Promise<DashboardServer> {
  const certificate = makeSelfSignedCertificate();
  let server: TollgateProcess | undefined;
  const agent = new Agent({ connect: { ca: certificate.certPem } });
  const stop = async () => {
    await server?.stop();
    await agent.destroy();
    certificate.remove();
  };
  try {
    server = await startTollgate({ ...options, tls: { certFile: certificate.certFile, keyFile: certificate.keyFile } });
    const seed = await seedStandard(server);
    await cliJson(
      server,
      ['users', 'add', ADMIN.username, '--admin', '--password-stdin', '--scopes', 'read:data write:data'],
      { stdin: `${ADMIN.password}\n` },
    );
    // undici's Agent and the types Node's fetch declares are separate copies of the same interface.
    const trustingFetch: typeof fetch = (input, init) =>
      fetch(input, { ...init, dispatcher: agent } as unknown as RequestInit);
    return { server, seed, certificate, fetch: trustingFetch, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
