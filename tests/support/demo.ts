/**
 * `tollgate demo` as a user runs it: the real bin in its own process, and its printed story read back as
 * data (the steps, their commands and what each should produce).
 */
import { type CommandProcess, spawnTollgate } from './command.js';

export type DemoProcess = CommandProcess;

export function spawnDemo(args: readonly string[], cwd: string): DemoProcess {
  return spawnTollgate(['demo', ...args], cwd);
}

/** One step of the printed story. */
export interface StoryStep {
  number: number;
  /** `Expect <status>`, when the step says one. */
  expectStatus: number | undefined;
  /** The `WWW-Authenticate:` value the step shows, when it shows one. */
  expectChallenge: string | undefined;
  /** The command with line continuations joined. */
  command: string;
}

const STEP_HEADING = /^# (\d+)\. /;

/** Reads the steps back from the story (format contract in packages/cli/src/demo/story.ts). */
export function parseStory(story: string): StoryStep[] {
  const steps: StoryStep[] = [];
  let current: StoryStep | undefined;
  for (const line of story.split('\n')) {
    const heading = STEP_HEADING.exec(line);
    if (heading !== null) {
      current = { number: Number(heading[1]), expectStatus: undefined, expectChallenge: undefined, command: '' };
      steps.push(current);
      const status = /Expect (\d{3})/.exec(line);
      if (status !== null) current.expectStatus = Number(status[1]);
    } else if (current !== undefined && line.startsWith('#')) {
      const challenge = /^#\s+WWW-Authenticate: (.*)$/.exec(line);
      if (challenge !== null) current.expectChallenge = challenge[1];
    } else if (current !== undefined && line.trim() !== '') {
      current.command += current.command.endsWith(' \\') ? `\n${line}` : line;
    } else {
      current = current?.command === '' ? current : undefined;
    }
  }
  for (const step of steps) step.command = step.command.replace(/ \\\n\s*/g, ' ');
  return steps;
}

/** Splits a shell command into words: '...' literal, "..." with $VARS expanded from `vars`, bare words. */
export function shellWords(command: string, vars: Record<string, string>): string[] {
  const words: string[] = [];
  const pattern = /'([^']*)'|"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (const match of command.matchAll(pattern)) {
    if (match[1] !== undefined) words.push(match[1]);
    else if (match[2] !== undefined)
      words.push(match[2].replace(/\$([A-Z_]+)/g, (_, name: string) => vars[name] ?? ''));
    else words.push((match[3] as string).replace(/\$([A-Z_]+)/g, (_, name: string) => vars[name] ?? ''));
  }
  return words;
}

export interface CurlRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
}

/** The request a `curl [-s] [-i] URL [-H h]... [-d data]` command line makes, as curl would make it. */
export function curlRequest(words: readonly string[]): CurlRequest {
  if (words[0] !== 'curl') throw new Error(`not a curl command: ${words.join(' ')}`);
  const headers: Record<string, string> = {};
  let url: string | undefined;
  let body: string | undefined;
  for (let index = 1; index < words.length; index++) {
    const word = words[index] as string;
    if (word === '-H') {
      const header = words[++index] as string;
      const colon = header.indexOf(':');
      headers[header.slice(0, colon).trim().toLowerCase()] = header.slice(colon + 1).trim();
    } else if (word === '-d') {
      body = words[++index];
    } else if (/^-[a-zA-Z]+$/.test(word)) {
      if (!/^-[si]+$/.test(word)) throw new Error(`the story uses a curl option this reader does not know: ${word}`);
    } else {
      url = word;
    }
  }
  if (url === undefined) throw new Error(`curl without a URL: ${words.join(' ')}`);
  // curl -d sends a POST, form-encoded unless told otherwise.
  if (body !== undefined && headers['content-type'] === undefined) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
  }
  return { url, method: body === undefined ? 'GET' : 'POST', headers, body };
}
