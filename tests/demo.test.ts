/**
 * `tollgate demo` does what it prints: started on free ports with a temporary data directory, its story is
 * followed step by step exactly as printed (each curl command replayed with fetch, and the whole script
 * pasted into bash when curl is installed), every step produces the status and challenge it announces,
 * Ctrl-C stops all three servers with exit status 0, and a second run reuses what the first created.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { curlRequest, type DemoProcess, parseStory, shellWords, spawnDemo, type StoryStep } from './support/demo.js';
import { asObject, request } from './support/http.js';
import { freePort } from './support/ports.js';

const STORY_END = 'Ctrl-C stops all three.';
const DEMO_API = 'https://demo.tollgate.local/api';

function hasCommand(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

function urlsOf(story: string): { server: string; gateway: string } {
  const server = /Authorization server\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(story)?.[1];
  const gateway = /Gateway\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(story)?.[1];
  assert.ok(server && gateway, `the story names the server and the gateway:\n${story}`);
  return { server, gateway };
}

function passwordOf(story: string): string {
  const password = /password: (\S+)/.exec(story)?.[1];
  assert.ok(password, 'the story prints the demo password');
  return password;
}

/**
 * A person pastes one step at a time; the story promises the revocation reaches the gateway "within a
 * second", so a step may be retried for that long (every 25 ms) before its outcome counts.
 */
const HUMAN_PAUSE_MS = 1_000;

/** Follows the story with fetch, command by command, checking what each step announces. */
async function followWithFetch(steps: readonly StoryStep[]): Promise<void> {
  const vars: Record<string, string> = {};
  for (const step of steps) {
    const assignment = /^TOKEN=\$\((curl .*?) \| sed .*\)$/.exec(step.command);
    const words = shellWords(assignment?.[1] ?? step.command, vars);
    const { url, method, headers, body } = curlRequest(words);
    const send = () => request(url, { method, headers, ...(body === undefined ? {} : { body }) });
    const deadline = Date.now() + HUMAN_PAUSE_MS;
    let result = await send();
    while (step.expectStatus !== undefined && result.status !== step.expectStatus && Date.now() < deadline) {
      await sleep(25);
      result = await send();
    }
    const what = `step ${step.number} (${step.command.slice(0, 80)}): status ${result.status}, body ${result.text.slice(0, 300)}`;
    if (assignment !== null) {
      assert.equal(result.status, 200, what);
      const token = asObject(result.json, what).access_token;
      assert.equal(typeof token, 'string', what);
      vars.TOKEN = token as string;
      continue;
    }
    assert.equal(result.status, step.expectStatus, what);
    if (step.expectChallenge !== undefined) {
      assert.equal(result.headers.get('www-authenticate'), step.expectChallenge, what);
    }
  }
}

describe('tollgate demo', () => {
  let workDir: string;
  let dataDir: string;
  let ports: { server: number; gateway: number };
  let demo: DemoProcess;
  let story: string;

  before(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'tollgate-demo-test-'));
    dataDir = join(workDir, 'demo-data');
    ports = { server: await freePort(), gateway: await freePort() };
    demo = spawnDemo(
      ['--port', String(ports.server), '--gateway-port', String(ports.gateway), '--data', dataDir],
      workDir,
    );
    story = await demo.waitFor(STORY_END);
  });
  after(async () => {
    await demo?.stop('SIGKILL').catch(() => undefined);
    rmSync(workDir, { recursive: true, force: true });
  });

  it('prints the six steps, each with the outcome it should have', () => {
    const steps = parseStory(story);
    assert.deepEqual(
      steps.map((step) => [step.number, step.expectStatus]),
      [
        [1, undefined],
        [2, 200],
        [3, 401],
        [4, 403],
        [5, 200],
        [6, 401],
      ],
      story,
    );
    const { server, gateway } = urlsOf(story);
    assert.equal(server, `http://127.0.0.1:${ports.server}`);
    assert.equal(gateway, `http://127.0.0.1:${ports.gateway}`);
    assert.equal(
      steps[2]?.expectChallenge,
      `Bearer realm="${DEMO_API}", DPoP realm="${DEMO_API}", algs="ES256 EdDSA"`,
      'step 3 shows the bare challenges',
    );
    assert.match(steps[3]?.expectChallenge ?? '', /error="insufficient_scope".*scope="validate:email"/);
    assert.match(
      steps[5]?.expectChallenge ?? '',
      /error="invalid_token", error_description="The access token was revoked"/,
    );
  });

  it("shows a DPoP-bound token served with its own key and refused with another key's proof (RFC 9449 7.1)", () => {
    assert.match(story, /got a DPoP token, bound to a key it generated/);
    assert.match(story, /GET \/data with a proof from that key: +200\n/);
    assert.match(story, /GET \/data with the same token, another key's proof: 401\n/);
    // RFC 9449 7.1: the DPoP challenge carries the error; the Bearer one beside it says Bearer is accepted too.
    const challenge = /WWW-Authenticate: (.*)\n/.exec(story.slice(story.indexOf("another key's proof")))?.[1];
    assert.equal(
      challenge,
      `Bearer realm="${DEMO_API}", DPoP realm="${DEMO_API}", error="invalid_token", ` +
        'error_description="Invalid DPoP key binding", algs="ES256 EdDSA"',
    );
  });

  it('keeps logs off stdout and secrets out of the logs', () => {
    assert.ok(!story.includes('"level"'), 'no JSON log line in the story');
    assert.ok(!demo.stderr().includes(passwordOf(story)), 'the password never reaches a log');
    assert.equal(statSync(join(dataDir, 'demo-credentials.json')).mode & 0o077, 0, 'the credentials file is private');
  });

  it('does what it prints, step by step, followed with fetch', async () => {
    await followWithFetch(parseStory(story));
  });

  it('does what it prints when the steps are pasted into bash', async (t) => {
    if (!hasCommand('curl') || !hasCommand('sed')) {
      t.skip('curl or sed is not installed');
      return;
    }
    const steps = parseStory(story);
    // One step at a time, as the story says, with the pause a person takes between pastes.
    const script = steps.map((step) => step.command).join(`\nsleep ${HUMAN_PAUSE_MS / 1000}\n`);
    const output = execFileSync('bash', ['-e', '-c', script], { encoding: 'utf8', timeout: 30_000, stdio: 'pipe' });
    // Not anchored: a JSON body without a final newline runs into the next status line.
    const statuses = [...output.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((match) => Number(match[1]));
    assert.deepEqual(statuses, [200, 401, 403, 200, 401], output);
    const challenges = [...output.matchAll(/^www-authenticate: (.*?)\r?$/gim)].map((match) => match[1]);
    assert.deepEqual(
      challenges,
      steps.flatMap((step) => (step.expectChallenge === undefined ? [] : [step.expectChallenge])),
      output,
    );
  });

  it('stops all three on Ctrl-C with exit status 0, then reuses its data on the next run', async () => {
    const { server, gateway } = urlsOf(story);
    const ended = await demo.stop('SIGINT');
    assert.deepEqual(ended, { code: 0, signal: null }, demo.stderr());
    assert.match(demo.stdout(), /Stopped\.\n$/);
    for (const url of [server, gateway]) {
      await assert.rejects(fetch(url, { signal: AbortSignal.timeout(5_000) }), `${url} is closed`);
    }

    demo = spawnDemo(['--port', '0', '--gateway-port', '0', '--data', dataDir], workDir);
    const second = await demo.waitFor(STORY_END);
    assert.match(second, /Reusing the API, the user demo and the client/);
    assert.equal(passwordOf(second), passwordOf(story), 'the same demo password');
    await followWithFetch(parseStory(second));
    assert.deepEqual(await demo.stop('SIGTERM'), { code: 0, signal: null }, demo.stderr());
  });

  it('says which port is taken, and leaves nothing running, when one of its ports is in use', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
    const taken = (blocker.address() as { port: number }).port;
    const serverPort = await freePort();
    try {
      const failing = spawnDemo(
        ['--port', String(serverPort), '--gateway-port', String(taken), '--data', dataDir],
        workDir,
      );
      const ended = await failing.exited(30_000);
      assert.equal(ended.code, 1, failing.stderr());
      assert.match(failing.stderr(), new RegExp(`port ${taken} is already in use.*--gateway-port`));
      assert.doesNotMatch(failing.stderr(), /\n\s+at /, 'no stack trace');
      // The server it had started is closed again: its port is free.
      const probe = createServer();
      await new Promise<void>((resolve, reject) => {
        probe.once('error', reject);
        probe.listen(serverPort, '127.0.0.1', () => probe.close(() => resolve()));
      });
    } finally {
      blocker.close();
    }
  });
});
