/** Username and password → POST /api/v1/session. The only page shown without a session. */
import { useState } from 'preact/hooks';
import { api } from '../api/client.js';
import type { SessionView } from '../api/types.js';
import { ErrorMessage } from '../components/feedback.js';
import { TextField } from '../components/fields.js';
import { useAction } from '../components/use-action.js';

export function SignIn(props: { notice: string | null; onSignedIn: (session: SessionView) => void }) {
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
    <main class="sign-in">
      <form class="card" onSubmit={submit} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">Sign in to Tollgate</h1>
        {props.notice ? (
          <p class="notice" role="status">
            {props.notice}
          </p>
        ) : null}
        <TextField label="Username" value={username} onInput={setUsername} required autoComplete="username" autoFocus />
        <TextField
          label="Password"
          type="password"
          value={password}
          onInput={setPassword}
          required
          autoComplete="current-password"
        />
        <ErrorMessage message={error} />
        <button type="submit" class="primary wide" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
