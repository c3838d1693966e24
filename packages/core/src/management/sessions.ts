/**
 * Dashboard sessions. The session id is 256 random bits and only its SHA-256 is stored, so a leaked database opens
 * no session. A session ends at its absolute expiry or after the idle timeout, whichever comes first, and as soon as
 * its user is disabled or deleted (checked on every request).
 */
import { AUDIT_ACTIONS } from '../audit/actions.js';
import { epochSeconds } from '../clock.js';
import { randomToken, sha256Hex } from '../crypto/index.js';
import { Forbidden, Unauthenticated } from '../errors.js';
import type { SessionRecord, UserRecord } from '../storage/index.js';
import { verifyUserPassword } from '../users/verify-password.js';
import type { ManagementContext } from './context.js';
import type { Actor, CodeSignIn, ResumedSession, SessionOperations, SignedIn } from './contract.js';
import { CodeRefused, redeemDashboardCode } from './session-code.js';
import { type SessionView, userView } from './views.js';

/**
 * `lastSeenAt` is written at most once a minute (a quarter of the idle timeout when that is shorter), not on every
 * request; the idle timeout is thereby at most that much early, which errs on the safe side, and a session in
 * constant use is never cut off.
 */
const SESSION_TOUCH_INTERVAL_SECONDS = 60;

function touchIntervalSeconds(idleTimeoutSeconds: number): number {
  return Math.min(SESSION_TOUCH_INTERVAL_SECONDS, Math.floor(idleTimeoutSeconds / 4));
}
const SESSION_ID_BYTES = 32;
/** base64url of 32 bytes is 43 characters; anything much longer is not ours and is not even hashed. */
const MAX_SESSION_ID_LENGTH = 64;
const BAD_CREDENTIALS = 'Invalid username or password';
/** A refused code names no user: the audit entry's actor name for it. */
const DASHBOARD_CODE_ACTOR = 'dashboard sign-in';

export class Sessions implements SessionOperations {
  readonly #context: ManagementContext;

  constructor(context: ManagementContext) {
    this.#context = context;
  }

  async signIn(username: string, password: string, address: string): Promise<SignedIn> {
    const { store, guard } = this.#context;
    this.#requireSignIn('password');
    const attempt = { userId: null, name: username, address };
    let checked: Awaited<ReturnType<typeof verifyUserPassword>>;
    try {
      checked = await verifyUserPassword(store.users, guard, { username, password, remoteAddress: address });
    } catch (error) {
      await this.#audit(attempt, 'failure', { reason: 'too_many_attempts' });
      throw error;
    }
    const { user, verified } = checked;
    if (!user || !verified) {
      await this.#audit({ ...attempt, userId: user?.id ?? null }, 'failure', { reason: 'bad_credentials' });
      throw new Unauthenticated(BAD_CREDENTIALS);
    }
    return this.#open(user, address, null);
  }

  async signInWithCode(redemption: CodeSignIn, address: string): Promise<SignedIn> {
    this.#requireSignIn('oauth');
    let redeemed: { user: UserRecord; sessionId: string };
    try {
      redeemed = await redeemDashboardCode(this.#context, redemption);
    } catch (error) {
      if (error instanceof CodeRefused) {
        const attempt = { userId: null, name: DASHBOARD_CODE_ACTOR, address };
        await this.#audit(attempt, 'failure', { method: 'authorization_code', reason: error.reason });
      }
      throw error;
    }
    return this.#open(redeemed.user, address, { method: 'authorization_code' }, redeemed.sessionId);
  }

  /** Each way in refuses to work when the configuration says the dashboard signs in the other way. */
  #requireSignIn(method: 'password' | 'oauth'): void {
    const configured = this.#context.config.dashboardSignIn;
    if (configured === method) return;
    throw new Forbidden(
      configured === 'oauth'
        ? 'The dashboard signs in with Tollgate (dashboard.signIn is oauth): password sign-in here is turned off'
        : 'The dashboard signs in with a password (dashboard.signIn is password): sign-in with Tollgate is turned off',
    );
  }

  async #open(
    user: UserRecord,
    address: string,
    detail: Record<string, unknown> | null,
    sessionId = randomToken(SESSION_ID_BYTES),
  ): Promise<SignedIn> {
    const { store, clock, config } = this.#context;
    const now = epochSeconds(clock);
    const record: SessionRecord = {
      idHash: sha256Hex(sessionId),
      userId: user.id,
      csrfToken: randomToken(32),
      createdAt: now,
      lastSeenAt: now,
      expiresAt: now + config.sessionTtlSeconds,
      address,
    };
    await store.sessions.add(record);
    await this.#audit(actorOf(user, address), 'success', detail);
    return { sessionId, session: this.#view(record, user) };
  }

  async resume(sessionId: string): Promise<ResumedSession | undefined> {
    const found = await this.#live(sessionId);
    if (!found) return undefined;
    const { record, user } = found;
    const now = epochSeconds(this.#context.clock);
    if (now - record.lastSeenAt >= touchIntervalSeconds(this.#context.config.sessionIdleTimeoutSeconds)) {
      await this.#context.store.sessions.touch(record.idHash, now);
    }
    // The transport knows the address of each request; the session's is only the sign-in's.
    return { actor: actorOf(user, null), session: this.#view(record, user) };
  }

  async signOut(sessionId: string, address: string): Promise<void> {
    if (!isPlausibleId(sessionId)) return;
    const { store } = this.#context;
    const idHash = sha256Hex(sessionId);
    const record = await store.sessions.get(idHash);
    if (!record || !(await store.sessions.remove(idHash))) return;
    const user = await store.users.getById(record.userId);
    const actor = user ? actorOf(user, address) : { userId: record.userId, name: record.userId, address };
    await this.#audit(actor, 'success', null, AUDIT_ACTIONS.signOut);
  }

  /** The session and its user, if the session is still alive; a dead one is removed on sight. */
  async #live(sessionId: string): Promise<{ record: SessionRecord; user: UserRecord } | undefined> {
    if (!isPlausibleId(sessionId)) return undefined;
    const { store, clock, config } = this.#context;
    const record = await store.sessions.get(sha256Hex(sessionId));
    if (!record) return undefined;
    const now = epochSeconds(clock);
    const idle = now - record.lastSeenAt >= config.sessionIdleTimeoutSeconds;
    const user = idle || record.expiresAt <= now ? undefined : await store.users.getById(record.userId);
    if (!user || user.disabled) {
      await store.sessions.remove(record.idHash);
      return undefined;
    }
    return { record, user };
  }

  #view(record: SessionRecord, user: UserRecord): SessionView {
    const { config, issuer } = this.#context;
    return {
      user: userView(user),
      csrfToken: record.csrfToken,
      expiresAt: record.expiresAt,
      idleTimeoutSeconds: config.sessionIdleTimeoutSeconds,
      allowNeverExpiringTokens: config.allowNeverExpiringApiTokens,
      issuer,
    };
  }

  #audit(
    actor: Pick<Actor, 'userId' | 'name' | 'address'>,
    outcome: 'success' | 'failure',
    detail: Record<string, unknown> | null,
    action: typeof AUDIT_ACTIONS.signIn | typeof AUDIT_ACTIONS.signOut = AUDIT_ACTIONS.signIn,
  ): Promise<void> {
    return this.#context.audit.record(actor, { action, target: null, outcome, detail });
  }
}

function actorOf(user: UserRecord, address: string | null): Actor {
  return { userId: user.id, name: user.username, isAdmin: user.isAdmin, address };
}

function isPlausibleId(sessionId: string): boolean {
  return sessionId.length > 0 && sessionId.length <= MAX_SESSION_ID_LENGTH;
}
