/**
 * The only page shown without a session: username and password → POST /api/v1/session, or, with
 * `dashboard.signIn: oauth`, one button that starts the server's authorization code flow (sign-in-method.ts).
 */
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api/client.js';
import type { SessionView } from '../api/types.js';
import { ErrorMessage, Loading } from '../components/feedback.js';
import { PasswordField, TextField } from '../components/fields.js';
import { useAction } from '../components/use-action.js';
import { type SignInMethod, fetchSignInMethod, takeSignInFailure } from './sign-in-method.js';

export function SignIn(props: { notice: string | null; onSignedIn: (session: SessionView) => void }) {
  const [method, setMethod] = useState<SignInMethod | null>(null);
  const [failure] = useState(takeSignInFailure);
  useEffect(() => {
    void fetchSignInMethod().then(setMethod);
  }, []);

  return (
    <main class="sign-in">
      <div class="card">
        <h1 id="sign-in-title">Sign in to Tollgate</h1>
        {props.notice ? (
          <p class="notice" role="status">
            {props.notice}
          </p>
        ) : null}
        <ErrorMessage message={failure} />
        {method === null ? <Loading what="the sign-in" /> : null}
        {method?.signIn === 'oauth' ? (
          // A plain form: the browser itself goes to the server, which sends it on to the hosted sign-in page.
          <form method="get" action={method.start} aria-labelledby="sign-in-title">
            <button type="submit" class="primary wide">
              Sign in with Tollgate
            </button>
          </form>
        ) : null}
        {method?.signIn === 'password' ? <PasswordForm onSignedIn={props.onSignedIn} /> : null}
      </div>
    </main>
  );
}

function PasswordForm(props: { onSignedIn: (session: SessionView) => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const { run, busy, error } = useAction(async () => {
    const session = await api.post<SessionView>('/session', { username, password }, { expect401: true });
    setPassword('');
    props.onSignedIn(session);
  });
  const submit = (event: Event) => {
    event.preventDefault();
    void run();
  };

  return (
    <form onSubmit={submit} aria-labelledby="sign-in-title">
      <TextField label="Username" value={username} onInput={setUsername} required autoComplete="username" autoFocus />
      <PasswordField label="Password" value={password} onInput={setPassword} autoComplete="current-password" />
      <ErrorMessage message={error} />
      <button type="submit" class="primary wide" disabled={busy}>
        {busy ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
