/**
 * Checks a user's password behind the brute-force guard: shared by the password grant and the dashboard sign-in, so
 * both count failures in the same windows and neither reveals which usernames exist.
 */
import { verifyAgainstDummy, verifySecret } from '../crypto/index.js';
import type { UserRecord, UserStore } from '../storage.js';
import type { BruteForceGuard } from '../throttle.js';

/** Longer passwords are refused before hashing, so argon2 cannot be used to burn CPU. */
export const MAX_PASSWORD_LENGTH = 1024;
const MAX_USERNAME_LENGTH = 256;

/**
 * The user when the password is right and the account enabled; otherwise undefined, with the failure counted.
 * Throws `TooManyAttempts` when the guard refuses. Unknown users cost one argon2 verification too, so unknown user,
 * wrong password and disabled account cannot be told apart by timing.
 */
export async function verifyUserPassword(
  users: UserStore,
  guard: BruteForceGuard,
  credentials: { username: string; password: string; remoteAddress: string },
): Promise<{ user: UserRecord | undefined; verified: boolean }> {
  const { username, password, remoteAddress } = credentials;
  const subject = { account: `user:${username.toLowerCase()}`, address: remoteAddress };
  await guard.admit(subject);
  const user = username.length <= MAX_USERNAME_LENGTH ? await users.getByUsername(username) : undefined;
  const valid =
    password.length > MAX_PASSWORD_LENGTH
      ? false
      : user
        ? await verifySecret(user.passwordHash, password)
        : await verifyAgainstDummy(password);
  if (!user || !valid || user.disabled) {
    await guard.failed(subject);
    return { user, verified: false };
  }
  await guard.succeeded(subject);
  return { user, verified: true };
}
