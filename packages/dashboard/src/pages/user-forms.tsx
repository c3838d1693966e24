/** Admin forms for users: create, edit scopes and admin flag, reset password. */
import { useState } from 'preact/hooks';
import { api, segment } from '../api/client.js';
import type { UserView } from '../api/types.js';
import { ActionForm } from '../components/action-form.js';
import { CheckboxField, ScopesField, PasswordField, TextField } from '../components/fields.js';
import { parseScopes } from '../format.js';

interface FormProps {
  onSaved: () => void;
  onCancel: () => void;
}

export function CreateUserForm(props: FormProps) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [scopes, setScopes] = useState('');
  const [isAdmin, setIsAdmin] = useState(false);
  const save = async () => {
    await api.post('/users', { username: username.trim(), password, scopes: parseScopes(scopes), isAdmin });
    props.onSaved();
  };
  return (
    <ActionForm submitLabel="Create user" onSubmit={save} onCancel={props.onCancel}>
      <TextField label="Username" value={username} onInput={setUsername} required autoComplete="off" />
      <PasswordField label="Password" value={password} onInput={setPassword} autoComplete="new-password" />
      <ScopesField value={scopes} onInput={setScopes} />
      <CheckboxField label="Administrator" checked={isAdmin} onChange={setIsAdmin} />
    </ActionForm>
  );
}

export function EditUserForm(props: FormProps & { user: UserView }) {
  const [scopes, setScopes] = useState(props.user.scopes.join(' '));
  const [isAdmin, setIsAdmin] = useState(props.user.isAdmin);
  const save = async () => {
    await api.patch(`/users/${segment(props.user.id)}`, { scopes: parseScopes(scopes), isAdmin });
    props.onSaved();
  };
  return (
    <ActionForm submitLabel="Save" onSubmit={save} onCancel={props.onCancel}>
      <ScopesField value={scopes} onInput={setScopes} />
      <CheckboxField label="Administrator" checked={isAdmin} onChange={setIsAdmin} />
    </ActionForm>
  );
}

export function ResetPasswordForm(props: FormProps & { user: UserView }) {
  const [password, setPassword] = useState('');
  const save = async () => {
    await api.post(`/users/${segment(props.user.id)}/password`, { password });
    props.onSaved();
  };
  return (
    <ActionForm submitLabel="Reset password" onSubmit={save} onCancel={props.onCancel}>
      <p>{props.user.username} is signed out everywhere and must use the new password.</p>
      <PasswordField label="New password" value={password} onInput={setPassword} autoComplete="new-password" />
    </ActionForm>
  );
}
