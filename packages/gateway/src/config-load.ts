/**
 * Reads `gateway.yaml` (YAML or JSON, which is YAML too), applies the environment, validates once against
 * the schema and freezes the result. Every problem names the file, the line and the field:
 *     gateway.yaml:12: routes[1].upstream: must be an http(s) URL
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { type Document, LineCounter, isMap, isPair, isScalar, parseDocument } from 'yaml';
import type { z } from 'zod';
import { type GatewayConfig, gatewayConfigSchema } from './config.js';

/** Settings taken from the environment: secrets (a Redis URL may carry a password) are better kept out of files. */
export const CLIENT_SECRET_VARIABLE = 'TOLLGATE_GATEWAY_CLIENT_SECRET';
export const REDIS_URL_VARIABLE = 'REDIS_URL';

export class GatewayConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: string[]) {
    super(`invalid gateway configuration: ${problems.join('; ')}`);
    this.name = 'GatewayConfigError';
    this.problems = problems;
  }
}

type Env = Readonly<Record<string, string | undefined>>;
type Locate = (path: readonly PropertyKey[]) => number | undefined;

export function loadGatewayConfig(file: string, env: Env = process.env): GatewayConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new GatewayConfigError([`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`]);
  }
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const syntax = document.errors[0];
  if (syntax !== undefined) {
    const line = lineCounter.linePos(syntax.pos[0]).line;
    throw new GatewayConfigError([`${file}:${line}: not valid YAML: ${syntax.message.split('\n')[0]}`]);
  }
  const locate: Locate = (path) => lineOf(document, lineCounter, path);
  const config = parseGatewayConfig(document.toJS(), { env, source: file, locate });
  return relativeToFile(config, file);
}

/** Validates settings given as an object (the file's content, or built in code). */
export function parseGatewayConfig(
  input: unknown,
  options: { env?: Env; source?: string; locate?: Locate } = {},
): GatewayConfig {
  const source = options.source ?? 'configuration';
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new GatewayConfigError([`${source}: must contain a mapping of settings`]);
  }
  const withEnv = applyEnvironment(input as Record<string, unknown>, options.env ?? {});
  const result = gatewayConfigSchema.safeParse(withEnv, { error: defaultMessage });
  if (!result.success) {
    const locate = options.locate ?? (() => undefined);
    throw new GatewayConfigError(result.error.issues.flatMap((issue) => describeIssue(issue, withEnv, source, locate)));
  }
  return deepFreeze(result.data);
}

function applyEnvironment(input: Record<string, unknown>, env: Env): Record<string, unknown> {
  let result = input;
  const secret = env[CLIENT_SECRET_VARIABLE];
  const client = input.client;
  if (secret !== undefined && secret !== '' && typeof client === 'object' && client !== null) {
    result = { ...result, client: { ...client, clientSecret: secret } };
  }
  const redisUrl = env[REDIS_URL_VARIABLE];
  if (redisUrl !== undefined && redisUrl !== '') {
    // The variable alone turns Redis on; a `redis` section in the file may still set the key prefix.
    const redis = typeof input.redis === 'object' && input.redis !== null ? input.redis : {};
    result = { ...result, redis: { ...redis, url: redisUrl } };
  }
  return result;
}

/** Messages for the issues the schema does not word itself. */
function defaultMessage(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code === 'invalid_type') return issue.input === undefined ? 'is required' : `must be a ${issue.expected}`;
  if (issue.code === 'too_small' && issue.minimum === 1) return 'must not be empty';
  return undefined;
}

function describeIssue(issue: z.core.$ZodIssue, input: unknown, source: string, locate: Locate): string[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) =>
      located(source, locate([...issue.path, key]), [...issue.path, key], 'is not a known setting'),
    );
  }
  // A schema's own wording ("must be an http(s) URL") would be misleading for a setting that is simply absent.
  const missing = issue.code === 'invalid_type' && valueAt(input, issue.path) === undefined;
  return [located(source, locate(issue.path), issue.path, missing ? 'is required' : issue.message)];
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function located(source: string, line: number | undefined, path: readonly PropertyKey[], message: string): string {
  const where = line === undefined ? source : `${source}:${line}`;
  return path.length === 0 ? `${where}: ${message}` : `${where}: ${fieldName(path)}: ${message}`;
}

/** `routes[1].upstream`. */
export function fieldName(path: readonly PropertyKey[]): string {
  return path
    .map((key, index) => (typeof key === 'number' ? `[${key}]` : index === 0 ? String(key) : `.${String(key)}`))
    .join('');
}

/** The line of the nearest node on `path` that exists in the file (a missing key points at its parent). */
function lineOf(document: Document, lineCounter: LineCounter, path: readonly PropertyKey[]): number | undefined {
  for (let length = path.length; length > 0; length--) {
    const parent = length === 1 ? document.contents : document.getIn(path.slice(0, length - 1), true);
    const key = path[length - 1];
    if (isMap(parent)) {
      const pair = parent.items.find((item) => isPair(item) && isScalar(item.key) && item.key.value === key);
      const node = pair?.key as { range?: [number, number, number] } | undefined;
      if (node?.range) return lineCounter.linePos(node.range[0]).line;
    }
    const node = document.getIn(path.slice(0, length), true) as { range?: [number, number, number] } | undefined;
    if (node?.range) return lineCounter.linePos(node.range[0]).line;
  }
  return undefined;
}

/** TLS files named in the config file are relative to the file's folder, as in the server's config. */
function relativeToFile(config: GatewayConfig, file: string): GatewayConfig {
  const tls = config.listen.tls;
  if (tls === undefined) return config;
  const folder = dirname(resolve(file));
  return deepFreeze({
    ...config,
    listen: {
      ...config.listen,
      tls: { certFile: resolve(folder, tls.certFile), keyFile: resolve(folder, tls.keyFile) },
    },
  });
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
