import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { StandInIssuer, rawGet } from './adapters-support.js';

/** The repository's examples/ folder, from packages/verify/dist/test. */
const EXAMPLES = fileURLToPath(new URL('../../../../examples/', import.meta.url));
const EXAMPLE_FILES = ['node-http.mjs', 'express.mjs', 'fastify.mjs', 'hono.mjs', 'fetch.mjs'];

/** Starts an example on a free port and resolves with its URL once it says it is listening. */
function startExample(file: string, issuer: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [file], {
    cwd: EXAMPLES,
    env: { ...process.env, TOLLGATE_ISSUER: issuer, TOLLGATE_AUDIENCE: 'https://api.example.com', PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`${file} did not start: ${output}`)), 10_000);
    const collect = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const url = /Listening on (http:\/\/\S+)/.exec(output)?.[1];
      if (url !== undefined) {
        clearTimeout(timer);
        resolve({ child, url });
      }
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${file} exited with ${code}: ${output}`));
    });
  });
}

describe('examples', () => {
  const issuer = new StandInIssuer();
  before(() => issuer.start());
  after(() => issuer.stop());

  for (const file of EXAMPLE_FILES) {
    it(`${file} serves /data to a token with read:data and refuses a request without one`, async () => {
      const { child, url } = await startExample(file, issuer.issuer);
      try {
        const allowed = await rawGet(`${url}/data`, { authorization: `Bearer ${await issuer.token()}` });
        assert.equal(allowed.status, 200, allowed.body);
        assert.equal(JSON.parse(allowed.body).subject, 'usr_alice');
        const refused = await rawGet(`${url}/data`);
        assert.equal(refused.status, 401);
        assert.match(
          refused.headers['www-authenticate'] ?? '',
          /^Bearer realm="[^"]+", DPoP realm="[^"]+", algs="ES256 EdDSA"$/,
        );
        const noScope = await rawGet(`${url}/data`, {
          authorization: `Bearer ${await issuer.token({ scope: 'write:data' })}`,
        });
        assert.equal(noScope.status, 403);
      } finally {
        child.kill('SIGTERM');
      }
    });
  }
});
