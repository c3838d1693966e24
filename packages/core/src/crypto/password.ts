import type { Algorithm } from '@node-rs/argon2';
import { Argon2JobError, Argon2Pool } from './argon2-pool.js';

/**
 * OWASP Password Storage Cheat Sheet, argon2id: m = 19 MiB, t = 2, p = 1 (RFC 9106 4 names argon2id the default
 * variant). `Algorithm` is a const enum that isolatedModules cannot inline, hence the literal 2 (= Argon2id).
 */
const ARGON2ID = 2 as Algorithm;
export const ARGON2_PARAMETERS = Object.freeze({ memoryCost: 19_456, timeCost: 2, parallelism: 1, outputLen: 32 });

/**
 * Every hash and verification runs on argon2-pool.ts's worker threads: a burst of logins then never takes the event
 * loop's core or libuv's pool from token and introspection requests. The pool (and the native addon, loaded by its
 * workers) starts on the first hash or verification: most commands and a server's start need neither.
 */
let pool: Argon2Pool | undefined;

/** Hashes a password or client secret into a PHC string (`$argon2id$v=19$m=19456,t=2,p=1$salt$hash`). */
export async function hashSecret(plain: string): Promise<string> {
  pool ??= new Argon2Pool();
  return (await pool.run({ op: 'hash', plain, options: { ...ARGON2_PARAMETERS, algorithm: ARGON2ID } })) as string;
}

/**
 * True when `plain` matches; false for a wrong secret and for a hash that cannot be parsed. Throws only when argon2
 * itself is unavailable (its worker died or could not load the addon): that is a server fault, not a wrong secret.
 */
export async function verifySecret(phcHash: string, plain: string): Promise<boolean> {
  pool ??= new Argon2Pool();
  try {
    return (await pool.run({ op: 'verify', phcHash, plain })) === true;
  } catch (error) {
    if (error instanceof Argon2JobError) return false;
    throw error;
  }
}

/**
 * A PHC string with the live parameters and a fixed salt and output. No password matches it (the output is not the
 * hash of anything), yet verifying against it costs exactly one argon2id run with the same parameters as a real hash.
 */
const DUMMY_SALT = Buffer.from('tollgate/dummy16').toString('base64').replace(/=+$/, ''); // 16 bytes, like real salts
const DUMMY_OUTPUT = Buffer.alloc(ARGON2_PARAMETERS.outputLen, 0x5a).toString('base64').replace(/=+$/, '');
export const DUMMY_HASH =
  `$argon2id$v=19$m=${ARGON2_PARAMETERS.memoryCost},t=${ARGON2_PARAMETERS.timeCost},` +
  `p=${ARGON2_PARAMETERS.parallelism}$${DUMMY_SALT}$${DUMMY_OUTPUT}`;

/**
 * Spends the time of a real verification and returns false. Used when the user or client does not exist, so that
 * "unknown user" and "wrong password" take the same time and cannot be told apart (account enumeration).
 */
export async function verifyAgainstDummy(plain: string): Promise<false> {
  await verifySecret(DUMMY_HASH, plain);
  return false;
}
