/**
 * Checks a user's password behind the brute-force guard: shared by the password grant and the dashboard sign-in, so
 * both count failures in the same windows and neither reveals which usernames exist.
 */
import { verifyAgainstDummy, verifySecret } from '../crypto/index.js';
import type { UserRecord, UserStore } from '../storage/index.js';
import type { BruteForceGuard } from '../throttle.js';

/** Longer passwords are refused before hashing, so argon2 cannot be used to burn CPU. */
export const MAX_PASSWORD_LENGTH = 1024;
const MAX_USERNAME_LENGTH = 256;

/**
 * The user when the password is right and the account enabled; otherwise `verified: false`, the failure counted.
 * Throws `TooManyAttempts` when the guard refuses. Unknown users cost one argon2 verification too, so unknown user,
 * wrong password and disabled account cannot be told apart by timing.
 */
export async function verifyUserPassword(
  users: UserStore,
  guard: BruteForceGuard,
  credentials: { username: string; password: string; remoteAddress: string },
): Promise<{ user: UserRecord | undefined; verified: boolean }> {
  const { username, remoteAddress } = credentials;
  // Counted before argon2 runs, so concurrent guesses cannot all pass a check made before any was counted.
  const attempt = await guard.admit({ account: `user:${username.toLowerCase()}`, address: remoteAddress });
  let checked: { user: UserRecord | undefined; valid: boolean };
  try {
    checked = await checkPassword(users, credentials);
  } catch (error) {
    await attempt.abandoned();
    throw error;
  }
  const { user, valid } = checked;
  if (!user || !valid || user.disabled) return { user, verified: false };
  await attempt.succeeded();
  return { user, verified: true };
}

async function checkPassword(
  users: UserStore,
  { username, password }: { username: string; password: string },
): Promise<{ user: UserRecord | undefined; valid: boolean }> {
  const user = username.length <= MAX_USERNAME_LENGTH ? await users.getByUsername(username) : undefined;
  if (password.length > MAX_PASSWORD_LENGTH) return { user, valid: false };
  return { user, valid: user ? await verifySecret(user.passwordHash, password) : await verifyAgainstDummy(password) };
}
