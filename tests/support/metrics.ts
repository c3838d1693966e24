/**
 * Reading a Prometheus text exposition (format 0.0.4) the way a scraper does: one sample per line,
 * `name{label="value",...} number`. Tests assert exact deltas of one series between two scrapes.
 */
import assert from 'node:assert/strict';
import { request } from './http.js';

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

export function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = SAMPLE.exec(line);
    assert.ok(match, `not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const label of (match[2] ?? '').matchAll(LABEL)) labels[label[1] as string] = label[2] as string;
    samples.push({ name: match[1] as string, labels, value: Number(match[3]) });
  }
  return samples;
}

/** The one sample named `name` whose labels include `labels`; 0 when there is none yet. */
export function sampleValue(samples: readonly Sample[], name: string, labels: Record<string, string> = {}): number {
  const found = samples.filter(
    (sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
  );
  assert.ok(found.length <= 1, `${name} ${JSON.stringify(labels)} matches ${found.length} series`);
  return found[0]?.value ?? 0;
}

/** Scrapes `url` (a metrics listener's, or the public /metrics with `token`) and parses it. */
export async function scrape(url: string, token?: string): Promise<{ text: string; samples: Sample[] }> {
  const result = await request(url, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });
  assert.equal(result.status, 200, `scrape of ${url}: ${result.status} ${result.text.slice(0, 300)}`);
  assert.match(result.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  return { text: result.text, samples: parseExposition(result.text) };
}

/** A scrape now, and a function giving how much each series grew since. */
export async function baseline(
  url: string,
): Promise<(name: string, labels?: Record<string, string>) => Promise<number>> {
  const before = (await scrape(url)).samples;
  return async (name, labels = {}) =>
    sampleValue((await scrape(url)).samples, name, labels) - sampleValue(before, name, labels);
}
