/**
 * The client examples work as printed: examples/client-node.mjs (JSON login, and client credentials) and
 * examples/client-axios.mjs call an API protected by the verify SDK with a token from a real Tollgate, and sign
 * out at the end. (The browser page example runs in Chromium, in client-browser.test.ts.)
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { asObject } from './support/http.js';
import { type ClientWorld, startClientWorld } from './support/client-world.js';
import { REPO_ROOT } from './support/paths.js';
import { runProcess } from './support/process.js';

const EXAMPLES = join(REPO_ROOT, 'examples');

describe('the client examples', () => {
  let world: ClientWorld;
  before(async () => {
    world = await startClientWorld();
  });
  after(() => world?.stop());

  async function runExample(file: string, env: Record<string, string>): Promise<Record<string, unknown>> {
    const result = await runProcess(process.execPath, [file], {
      cwd: EXAMPLES,
      env: { PATH: process.env.PATH, TOLLGATE_ISSUER: world.server.url, API_URL: `${world.readApi.url}/data`, ...env },
      timeoutMs: 30_000,
    });
    assert.equal(result.status, 0, `${file} exited ${result.status}\n${result.stdout}\n${result.stderr}`);
    // The example prints the status and the API's JSON body on one line.
    const line = result.stdout.trim();
    const space = line.indexOf(' ');
    assert.equal(line.slice(0, space), '200', result.stdout);
    return asObject(JSON.parse(line.slice(space + 1)));
  }

  const asUser = () => ({ TOLLGATE_USERNAME: world.user.username, TOLLGATE_PASSWORD: world.user.password });

  it('client-node.mjs signs a person in with the JSON login and calls the API', async () => {
    const body = await runExample('client-node.mjs', asUser());
    assert.match(String(body.subject), /^usr_/);
    assert.equal(body.method, 'GET');
  });

  it('client-node.mjs gets a service token by client credentials and calls the API', async () => {
    const body = await runExample('client-node.mjs', {
      TOLLGATE_CLIENT_ID: world.service.clientId,
      TOLLGATE_CLIENT_SECRET: world.service.clientSecret,
    });
    assert.equal(body.clientId, world.service.clientId);
  });

  it('client-axios.mjs calls the API through the axios interceptor', async () => {
    const body = await runExample('client-axios.mjs', asUser());
    assert.match(String(body.subject), /^usr_/);
  });
});
