/**
 * Validation once, against one schema, and one line for each problem that says where the value came from:
 *     gateway.yaml:12: routes[1].upstream: must be an http(s) URL      (a file: its line first, as compilers do)
 *     port (from TOLLGATE_PORT): must be at most 65535                 (an environment variable or a flag)
 */
import type { z } from 'zod';
import { deepFreeze } from './freeze.js';
import type { Layers } from './layers.js';
import type { Source } from './source.js';

/**
 * The layered input checked against `schema`: the config, frozen, or every problem at once. A problem whose field no
 * source set (a required setting left out) is laid at `fallback`'s door, when there is one.
 */
export function validate<Output>(
  schema: z.ZodType<Output>,
  layers: Layers,
  fallback?: Source,
): { config: Readonly<Output> } | { problems: string[] } {
  // jitless: a configuration is checked once per process, and zod's JIT would first compile a fast path for each
  // object schema with `new Function`: 5 % of `tollgate apis list` (callgrind), for a single parse.
  const result = schema.safeParse(layers.input, { error: defaultMessage, jitless: true });
  if (result.success) return { config: deepFreeze(result.data) };
  const at = (path: readonly PropertyKey[], message: string) =>
    describeProblem(path, message, layers.sourceOf(path) ?? fallback);
  return {
    problems: result.error.issues.flatMap((issue) => {
      if (issue.code === 'unrecognized_keys') {
        return issue.keys.map((key) => at([...issue.path, key], 'is not a known setting'));
      }
      // A schema's own wording ("must be an http(s) URL") would mislead about a setting that is simply absent.
      const missing = issue.code === 'invalid_type' && valueAt(layers.input, issue.path) === undefined;
      return [at(issue.path, missing ? 'is required' : issue.message)];
    }),
  };
}

/** One problem with the field at `path`, told where its value came from. */
export function describeProblem(path: readonly PropertyKey[], message: string, source: Source | undefined): string {
  const field = path.length === 0 ? undefined : fieldName(path);
  if (source === undefined || 'setting' in source) {
    const from = source === undefined ? '' : ` (from ${source.setting})`;
    return `${field ?? 'configuration'}${from}: ${message}`;
  }
  const line = source.lineOf?.(path);
  const where = line === undefined ? source.document : `${source.document}:${line}`;
  return field === undefined ? `${where}: ${message}` : `${where}: ${field}: ${message}`;
}

/** `routes[1].upstream`. */
export function fieldName(path: readonly PropertyKey[]): string {
  return path
    .map((key, index) => (typeof key === 'number' ? `[${key}]` : index === 0 ? String(key) : `.${String(key)}`))
    .join('');
}

/** Messages for the issues a schema does not word itself. */
function defaultMessage(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code === 'invalid_type') {
    if (issue.input === undefined) return 'is required';
    return `must be ${/^[aeiou]/.test(issue.expected) ? 'an' : 'a'} ${issue.expected}`;
  }
  if (issue.code === 'too_small' && issue.minimum === 1) return 'must not be empty';
  return undefined;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}
