import type { DpopPolicy } from '@tollgate/core';
/**
 * Lists and JWKs are stored as JSON text so one schema serves SQLite and PostgreSQL. Decoding checks the
 * shape, so a hand-edited or corrupted row fails loudly here instead of deep inside token logic.
 */
export function encodeJson(value: readonly string[] | Record<string, unknown>): string {
  return JSON.stringify(value);
}

export function decodeStringList(text: string, column: string): string[] {
  const value: unknown = JSON.parse(text);
  if (!isStringList(value)) throw new Error(`Stored ${column} is not a JSON list of strings`);
  return value;
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item: unknown) => typeof item === 'string');
}

export function decodeObject(text: string, column: string): Record<string, unknown> {
  const value: unknown = JSON.parse(text);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`Stored ${column} is not a JSON object`);
  }
  return value as Record<string, unknown>;
}

/** Booleans are 0/1 integers: portable, and better-sqlite3 refuses to bind JS booleans. */
export function encodeBoolean(value: boolean): number {
  return value ? 1 : 0;
}

export function decodeBoolean(value: number): boolean {
  return value !== 0;
}

/** A DpopPolicy column: a value outside the two was written by hand, so refuse it loudly rather than guess either way. */
export function decodeDpopPolicy(value: string, column: string): DpopPolicy {
  if (value === 'required' || value === 'allowed') return value;
  throw new Error(`${column} holds ${JSON.stringify(value)}, not one of required, allowed`);
}
