/**
 * A small client of the admin HTTP API (/api/v1) as a browser would drive it: sign in, keep the session cookie and
 * the CSRF token, send them on every call. Requests can leave out or spoil either, to test the refusals.
 */
import assert from 'node:assert/strict';
import { type HttpResult, request } from './http.js';
import { cliJson } from './seed.js';
import type { TollgateProcess } from './tollgate.js';

export const SESSION_COOKIE = '__Host-tollgate_session';

export interface SessionView {
  user: { id: string; username: string; isAdmin: boolean; scopes: string[]; disabled: boolean };
  csrfToken: string;
  expiresAt: number;
  idleTimeoutSeconds: number;
  allowNeverExpiringTokens: boolean;
  issuer: string;
}

export interface CallOptions {
  /** Raw body text (sent as is) instead of JSON. */
  rawBody?: string;
  contentType?: string;
  /** `null` leaves the header out; a string replaces the session's token. */
  csrfToken?: string | null;
  /** `null` leaves the cookie out; a string replaces the whole Cookie header. */
  cookie?: string | null;
  origin?: string;
}

export class AdminClient {
  constructor(
    readonly baseUrl: string,
    readonly sessionId: string | undefined,
    readonly session: SessionView | undefined,
  ) {}

  /** A client with no session: every call is anonymous. */
  static anonymous(baseUrl: string): AdminClient {
    return new AdminClient(baseUrl, undefined, undefined);
  }

  get(path: string, options: CallOptions = {}): Promise<HttpResult> {
    return this.call('GET', path, undefined, options);
  }
  post(path: string, body?: unknown, options: CallOptions = {}): Promise<HttpResult> {
    return this.call('POST', path, body, options);
  }
  patch(path: string, body?: unknown, options: CallOptions = {}): Promise<HttpResult> {
    return this.call('PATCH', path, body, options);
  }
  delete(path: string, options: CallOptions = {}): Promise<HttpResult> {
    return this.call('DELETE', path, undefined, options);
  }

  call(method: string, path: string, body: unknown, options: CallOptions = {}): Promise<HttpResult> {
    const headers: Record<string, string> = {};
    const cookie = options.cookie === undefined ? this.cookieHeader() : options.cookie;
    if (cookie !== null && cookie !== undefined) headers.cookie = cookie;
    const csrf = options.csrfToken === undefined ? this.session?.csrfToken : options.csrfToken;
    if (csrf !== null && csrf !== undefined && method !== 'GET') headers['x-csrf-token'] = csrf;
    if (options.origin !== undefined) headers.origin = options.origin;
    const text = options.rawBody ?? (body === undefined ? undefined : JSON.stringify(body));
    if (text !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
    return request(`${this.baseUrl}/api/v1${path}`, { method, headers, ...(text === undefined ? {} : { body: text }) });
  }

  private cookieHeader(): string | undefined {
    return this.sessionId === undefined ? undefined : `${SESSION_COOKIE}=${this.sessionId}`;
  }
}

/** POST /api/v1/session; asserts success and returns a client holding the session. */
export async function signIn(baseUrl: string, username: string, password: string): Promise<AdminClient> {
  const result = await AdminClient.anonymous(baseUrl).post('/session', { username, password });
  assert.equal(result.status, 200, `sign-in as ${username} failed: ${result.status} ${result.text}`);
  const sessionId = sessionIdOf(result);
  assert.ok(sessionId, `sign-in set no ${SESSION_COOKIE} cookie`);
  return new AdminClient(baseUrl, sessionId, result.json as SessionView);
}

/** The session id in a response's Set-Cookie, if any. */
export function sessionIdOf(result: HttpResult): string | undefined {
  const header = result.headers.getSetCookie().find((cookie) => cookie.startsWith(`${SESSION_COOKIE}=`));
  const value = header?.slice(SESSION_COOKIE.length + 1).split(';')[0];
  return value === '' ? undefined : value;
}

/** The admin envelope: `{error, error_description}` with the given status and code, and a description. */
export function assertAdminError(result: HttpResult, status: number, error: string): string {
  assert.equal(result.status, status, `expected ${status} ${error}, got ${result.status}: ${result.text}`);
  const body = result.json as Record<string, unknown> | undefined;
  assert.equal(body?.error, error, `expected error ${error}: ${result.text}`);
  assert.equal(typeof body?.error_description, 'string', `no error_description: ${result.text}`);
  assert.deepEqual(Object.keys(body ?? {}).sort(), ['error', 'error_description']);
  return body?.error_description as string;
}

/** Adds a user through the CLI (`users add --password-stdin [--admin]`). */
export async function addDashboardUser(
  server: TollgateProcess,
  username: string,
  password: string,
  options: { scopes?: readonly string[]; admin?: boolean } = {},
): Promise<{ id: string }> {
  const args = ['users', 'add', username, '--password-stdin', '--scopes', (options.scopes ?? []).join(' ')];
  if (options.admin) args.push('--admin');
  const created = (await cliJson(server, args, { stdin: `${password}\n` })) as { id?: unknown };
  assert.equal(typeof created.id, 'string', `users add --json printed no id: ${JSON.stringify(created)}`);
  return { id: created.id as string };
}
