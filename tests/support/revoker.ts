/** Runs revoker-main.js in its own process against a server's data directory; see there. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TollgateProcess } from './tollgate.js';

const REVOKER = fileURLToPath(new URL('./revoker-main.js', import.meta.url));
const TIMEOUT_MS = 20_000;

/** Resolves the moment the other process reports the revocation committed (not when it has exited). */
export function revokeFromAnotherProcess(server: TollgateProcess, token: string): Promise<void> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith('TOLLGATE_') || key === 'NODE_TEST_CONTEXT') delete env[key];
  if (server.encryptionKey !== null) env.TOLLGATE_ENCRYPTION_KEY = server.encryptionKey;
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
