/** Admin forms for users: create, edit scopes and admin flag, reset password. */
import { useState } from 'preact/hooks';
import { api, messageOf, segment } from '../api/client.js';
import type { UserView } from '../api/types.js';
import { ErrorMessage } from '../components/feedback.js';
import { Actions, CheckboxField, TextField } from '../components/fields.js';
import { parseScopes } from '../format.js';

function useSubmit(action: () => Promise<void>) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setError(null);
    setBusy(true);
    try {
      await action();
    } catch (caught) {
      setError(messageOf(caught));
    } finally {
      setBusy(false);
    }
  };
  return { error, busy, submit };
}

function Buttons(props: { label: string; busy: boolean; onCancel: () => void }) {
  return (
    <Actions>
      <button type="button" class="secondary" onClick={props.onCancel}>
        Cancel
      </button>
      <button type="submit" class="primary" disabled={props.busy}>
        {props.label}
      </button>
    </Actions>
  );
}

export function CreateUserForm(props: { onSaved: () => void; onCancel: () => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [scopes, setScopes] = useState('');
  const [isAdmin, setIsAdmin] = useState(false);
  const { error, busy, submit } = useSubmit(async () => {
    await api.post('/users', { username: username.trim(), password, scopes: parseScopes(scopes), isAdmin });
    props.onSaved();
  });
  return (
    <form class="form" onSubmit={submit}>
      <TextField label="Username" value={username} onInput={setUsername} required autoComplete="off" />
      <TextField
        label="Password"
        type="password"
        value={password}
        onInput={setPassword}
        required
        autoComplete="new-password"
      />
      <TextField label="Scopes" value={scopes} onInput={setScopes} hint="Separated by spaces." />
      <CheckboxField label="Administrator" checked={isAdmin} onChange={setIsAdmin} />
      <ErrorMessage message={error} />
      <Buttons label="Create user" busy={busy} onCancel={props.onCancel} />
    </form>
  );
}

export function EditUserForm(props: { user: UserView; onSaved: () => void; onCancel: () => void }) {
  const [scopes, setScopes] = useState(props.user.scopes.join(' '));
  const [isAdmin, setIsAdmin] = useState(props.user.isAdmin);
  const { error, busy, submit } = useSubmit(async () => {
    await api.patch(`/users/${segment(props.user.id)}`, { scopes: parseScopes(scopes), isAdmin });
    props.onSaved();
  });
  return (
    <form class="form" onSubmit={submit}>
      <TextField label="Scopes" value={scopes} onInput={setScopes} hint="Separated by spaces." />
      <CheckboxField label="Administrator" checked={isAdmin} onChange={setIsAdmin} />
      <ErrorMessage message={error} />
      <Buttons label="Save" busy={busy} onCancel={props.onCancel} />
    </form>
  );
}

export function ResetPasswordForm(props: { user: UserView; onSaved: () => void; onCancel: () => void }) {
  const [password, setPassword] = useState('');
  const { error, busy, submit } = useSubmit(async () => {
    await api.post(`/users/${segment(props.user.id)}/password`, { password });
    props.onSaved();
  });
  return (
    <form class="form" onSubmit={submit}>
      <p>{props.user.username} is signed out everywhere and must use the new password.</p>
      <TextField
        label="New password"
        type="password"
        value={password}
        onInput={setPassword}
        required
        autoComplete="new-password"
      />
      <ErrorMessage message={error} />
      <Buttons label="Reset password" busy={busy} onCancel={props.onCancel} />
    </form>
  );
}
