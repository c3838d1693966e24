/**
 * Schemas for the kinds of value both configurations take. Environment variables and flags are text, and so is
 * a quoted value in a file, so numbers and booleans are also read from their usual spellings in text.
 */
import { z } from 'zod';

/** An integer within bounds; a string of digits counts too. */
export function integer(min: number, max: number) {
  return z.preprocess(
    (value) => (typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value),
    z
      .number({ error: 'must be an integer' })
      .int({ error: 'must be an integer' })
      .min(min, { error: `must be at least ${min}` })
      .max(max, { error: `must be at most ${max}` }),
  );
}

const TRUE_WORDS = ['true', '1', 'yes', 'on'];
const FALSE_WORDS = ['false', '0', 'no', 'off'];

/** true or false; in text also 1/0, yes/no, on/off (YAML 1.1 read `yes` as true, and people still write it). */
export const flag = z.preprocess(
  (value) => {
    if (typeof value !== 'string') return value;
    const word = value.trim().toLowerCase();
    if (TRUE_WORDS.includes(word)) return true;
    if (FALSE_WORDS.includes(word)) return false;
    return value;
  },
  z.boolean({ error: 'must be true or false' }),
);

export const filePath = z.string({ error: 'must be a file path' }).min(1, { error: 'must not be empty' });

/**
 * `redis://` or `rediss://` (TLS), naming a host: an empty host is a variable that was not filled in
 * (`redis://${HOST}:6379`), not a wish for localhost. A Redis URL may carry a password, so the value is never echoed.
 */
export const redisUrl = z.string({ error: 'must be a redis:// or rediss:// URL' }).refine(
  (value) => {
    if (!URL.canParse(value)) return false;
    const url = new URL(value);
    return (url.protocol === 'redis:' || url.protocol === 'rediss:') && url.hostname !== '';
  },
  { error: 'must be a redis:// or rediss:// URL' },
);
