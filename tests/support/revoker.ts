/** Runs revoker-main.js in its own process against a server's data directory; see there. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { childEnvironment } from './store-under-test.js';
import type { TollgateProcess } from './tollgate.js';

const REVOKER = fileURLToPath(new URL('./revoker-main.js', import.meta.url));
const TIMEOUT_MS = 20_000;

/** Resolves the moment the other process reports the revocation committed (not when it has exited). */
export function revokeFromAnotherProcess(server: TollgateProcess, token: string): Promise<void> {
  // The same database as the server: its data directory's file, or its PostgreSQL database.
  const env = childEnvironment(
    server.encryptionKey === null ? {} : { TOLLGATE_ENCRYPTION_KEY: server.encryptionKey },
    server.databaseUrl,
  );
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [REVOKER, '--data', server.dataDir, '--issuer', server.url], {
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    let done = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the revoker did not finish within ${TIMEOUT_MS} ms: ${output}`));
    }, TIMEOUT_MS);
    const onData = (chunk: string) => {
      output += chunk;
      if (!done && output.includes('revoked\n')) {
        done = true;
        resolve();
      }
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.stderr.setEncoding('utf8').on('data', onData);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (!done) reject(new Error(`the revoker exited with ${code}: ${output}`));
    });
    child.stdin.end(token);
  });
}
