import type { Algorithm } from '@node-rs/argon2';

/**
 * OWASP Password Storage Cheat Sheet, argon2id: m = 19 MiB, t = 2, p = 1 (RFC 9106 4 names argon2id the default
 * variant). `Algorithm` is a const enum that isolatedModules cannot inline, hence the literal 2 (= Argon2id).
 */
const ARGON2ID = 2 as Algorithm;
export const ARGON2_PARAMETERS = Object.freeze({ memoryCost: 19_456, timeCost: 2, parallelism: 1, outputLen: 32 });

/**
 * The native addon is loaded on the first hash or verification, not with the core: most commands and a server's
 * start need neither, and loading it costs a few milliseconds (it probes the C library to pick its binary).
 */
function argon2(): Promise<typeof import('@node-rs/argon2')> {
  return import('@node-rs/argon2');
}

/** Hashes a password or client secret into a PHC string (`$argon2id$v=19$m=19456,t=2,p=1$salt$hash`). */
export async function hashSecret(plain: string): Promise<string> {
  const { hash } = await argon2();
  return hash(plain, { ...ARGON2_PARAMETERS, algorithm: ARGON2ID });
}

/** True when `plain` matches; false for a wrong secret and for a hash that cannot be parsed (never throws). */
export async function verifySecret(phcHash: string, plain: string): Promise<boolean> {
  const { verify } = await argon2();
  try {
    return await verify(phcHash, plain);
  } catch {
    return false;
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
