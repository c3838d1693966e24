/**
 * How this server signs the dashboard in (`dashboard.signIn`), from GET /dashboard/sign-in.json, and what the
 * server's sign-in callback says when it sends the browser back without a session (`?sign_in_error=`;
 * packages/server/src/routes/dashboard-sign-in.ts).
 */

export type SignInMethod = { signIn: 'password' } | { signIn: 'oauth'; start: string };

export async function fetchSignInMethod(): Promise<SignInMethod> {
  try {
    const response = await fetch('/dashboard/sign-in.json', { cache: 'no-store', credentials: 'same-origin' });
    if (response.ok) {
      const body = (await response.json()) as { signIn?: unknown; start?: unknown };
      if (body.signIn === 'oauth' && typeof body.start === 'string') return { signIn: 'oauth', start: body.start };
    }
  } catch {
    // An older server or no answer: the password form, whose own errors then say what is wrong.
  }
  return { signIn: 'password' };
}

const FAILURES: Record<string, string> = {
  expired: 'The sign-in took too long or was started in another browser. Please try again.',
  state_mismatch: 'The sign-in answer did not match the sign-in this browser started. Please try again.',
  wrong_issuer: 'The sign-in answer came from another server. Please try again.',
  access_denied: 'The sign-in was cancelled.',
  authorization_failed: 'Tollgate could not start the sign-in. Please try again.',
  code_rejected: 'The sign-in could not be completed (the code was invalid, used or expired). Please try again.',
};

/** The message for the callback's `sign_in_error`, taken off the address so a reload does not show it again. */
export function takeSignInFailure(): string | null {
  const url = new URL(window.location.href);
  const reason = url.searchParams.get('sign_in_error');
  if (reason === null) return null;
  url.searchParams.delete('sign_in_error');
  window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash);
  return FAILURES[reason] ?? 'The sign-in failed. Please try again.';
}
