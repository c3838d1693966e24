/**
 * The one place the dashboard talks HTTP. Every request is same-origin with the session cookie; every unsafe
 * one carries the session's CSRF token, which lives only in this module's memory (never in Web Storage, so a
 * reload asks the server for it again through GET /api/v1/session).
 */

/** The admin API's error envelope, as a thrown value with the HTTP status. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

let csrfToken: string | null = null;
let onSessionLost: (() => void) | null = null;

/** Remembers (in memory only) the token to echo in X-CSRF-Token; null on sign-out. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called once by the app: any 401 after sign-in means the session ended (expired, idle, or signed out elsewhere). */
export function onUnauthenticated(handler: () => void): void {
  onSessionLost = handler;
}

export interface RequestOptions {
  /** Do not treat a 401 as a lost session (sign-in and the initial "who am I"). */
  expect401?: boolean;
}

async function errorFrom(response: Response): Promise<ApiError> {
  let code = 'server_error';
  let message = `The server answered ${response.status}.`;
  try {
    const body = (await response.json()) as { error?: unknown; error_description?: unknown };
    if (typeof body.error === 'string') code = body.error;
    if (typeof body.error_description === 'string' && body.error_description !== '') message = body.error_description;
  } catch {
    // Not the JSON envelope (a proxy's page, say): keep the generic text.
  }
  return new ApiError(response.status, code, message);
}

export async function request<T>(
  method: Method,
  path: string,
  body?: unknown,
  options: RequestOptions = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken !== null) headers['x-csrf-token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(`/api/v1${path}`, {
      method,
      headers,
      credentials: 'same-origin',
      cache: 'no-store',
      body: body === undefined ? null : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network_error', 'The server could not be reached. Check your connection and try again.');
  }
  if (!response.ok) {
    const error = await errorFrom(response);
    if (response.status === 401 && !options.expect401) onSessionLost?.();
    throw error;
  }
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

export const api = {
  get: <T>(path: string, options?: RequestOptions) => request<T>('GET', path, undefined, options),
  post: <T>(path: string, body?: unknown, options?: RequestOptions) => request<T>('POST', path, body, options),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, body),
  delete: (path: string) => request<void>('DELETE', path),
};

/** A path segment from an identifier (API identifiers are URIs), as the API expects. */
export function segment(value: string): string {
  return encodeURIComponent(value);
}

/** A message for people from anything a request threw. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return 'Something went wrong.';
}
