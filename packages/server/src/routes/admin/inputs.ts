/** Building blocks of the admin API's input schemas, so every route words the same problem the same way. */
import { DPOP_POLICIES } from '@tollgate/core';
import { z } from 'zod';

/** A non-empty string of at most `max` characters. */
export function text(max: number) {
  return z.string().min(1).max(max);
}

/** Scope names (RFC 6749 3.3: scope-tokens, no spaces); the core checks them against what may be granted. */
export const scopeList = z
  .array(z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/, 'must be scope names without spaces'))
  .max(200);

/** API identifiers are absolute URIs (RFC 8707 2); the core checks that they are registered. */
export const apiList = z.array(text(2048)).max(100);

/** RFC 9449: whether an API takes, or a client gets, only DPoP-bound tokens. */
export const dpopPolicy = z.enum(DPOP_POLICIES);

/** A decimal integer in a query string. */
export function queryInteger(min: number, max: number) {
  return z
    .string()
    .regex(/^\d{1,15}$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));
}

/** `?days=`: a usage window of 1 to 366 days, 30 by default. */
export const daysQuery = z.strictObject({ days: queryInteger(1, 366).default(30) });

/** At least one field of a PATCH body must be present. */
export function someChange<T extends Record<string, unknown>>(changes: T): boolean {
  return Object.values(changes).some((value) => value !== undefined);
}
