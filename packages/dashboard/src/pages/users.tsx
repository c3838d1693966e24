/** Admin: the people who sign in. Create, edit scopes, disable/enable, reset password, delete. */
import { useState } from 'preact/hooks';
import { api, segment } from '../api/client.js';
import type { UserView } from '../api/types.js';
import { ConfirmDialog } from '../components/confirm.js';
import { Dialog } from '../components/dialog.js';
import { Badge, ErrorMessage, Loading } from '../components/feedback.js';
import { useLoad } from '../components/use-load.js';
import { formatDate, formatList } from '../format.js';
import { CreateUserForm, EditUserForm, ResetPasswordForm } from './user-forms.js';

type Open = { kind: 'create' } | { kind: 'edit' | 'password' | 'toggle' | 'delete'; user: UserView } | null;

function UserRow(props: { user: UserView; onOpen: (open: Open) => void }) {
  const { user, onOpen } = props;
  return (
    <tr>
      <th scope="row">
        {user.username} {user.isAdmin ? <Badge tone="info">admin</Badge> : null}
      </th>
      <td>{formatList(user.scopes)}</td>
      <td>{user.disabled ? <Badge tone="bad">disabled</Badge> : <Badge tone="ok">active</Badge>}</td>
      <td>{formatDate(user.createdAt)}</td>
      <td class="row-actions">
        <button
          type="button"
          class="link"
          aria-label={`Edit ${user.username}`}
          onClick={() => onOpen({ kind: 'edit', user })}
        >
          Edit
        </button>
        <button
          type="button"
          class="link"
          aria-label={`${user.disabled ? 'Enable' : 'Disable'} ${user.username}`}
          onClick={() => onOpen({ kind: 'toggle', user })}
        >
          {user.disabled ? 'Enable' : 'Disable'}
        </button>
        <button
          type="button"
          class="link"
          aria-label={`Reset password of ${user.username}`}
          onClick={() => onOpen({ kind: 'password', user })}
        >
          Reset password
        </button>
        <button
          type="button"
          class="link danger-text"
          aria-label={`Delete ${user.username}`}
          onClick={() => onOpen({ kind: 'delete', user })}
        >
          Delete
        </button>
      </td>
    </tr>
  );
}

function UserDialogs(props: { open: Open; onClose: () => void; onSaved: () => void }) {
  const { open, onClose, onSaved } = props;
  if (open === null) return null;
  if (open.kind === 'create')
    return (
      <Dialog title="New user" onClose={onClose}>
        <CreateUserForm onSaved={onSaved} onCancel={onClose} />
      </Dialog>
    );
  const { user } = open;
  const path = `/users/${segment(user.id)}`;
  if (open.kind === 'edit')
    return (
      <Dialog title={`Edit ${user.username}`} onClose={onClose}>
        <EditUserForm user={user} onSaved={onSaved} onCancel={onClose} />
      </Dialog>
    );
  if (open.kind === 'password')
    return (
      <Dialog title={`Reset the password of ${user.username}`} onClose={onClose}>
        <ResetPasswordForm user={user} onSaved={onSaved} onCancel={onClose} />
      </Dialog>
    );
  if (open.kind === 'toggle') {
    const verb = user.disabled ? 'Enable' : 'Disable';
    return (
      <ConfirmDialog
        title={`${verb} ${user.username}?`}
        confirmLabel={verb}
        danger={!user.disabled}
        onClose={onClose}
        onConfirm={async () => {
          await api.patch(path, { disabled: !user.disabled });
          onSaved();
        }}
      >
        <p>
          {user.disabled
            ? 'They can sign in again and their API tokens work again.'
            : 'They are signed out everywhere and their API tokens stop working until enabled again.'}
        </p>
      </ConfirmDialog>
    );
  }
  return (
    <ConfirmDialog
      title={`Delete ${user.username}?`}
      confirmLabel="Delete"
      danger
      onClose={onClose}
      onConfirm={async () => {
        await api.delete(path);
        onSaved();
      }}
    >
      <p>This cannot be undone.</p>
    </ConfirmDialog>
  );
}

export function UsersPage() {
  const users = useLoad(() => api.get<{ users: UserView[] }>('/users'));
  const [open, setOpen] = useState<Open>(null);
  const saved = () => {
    setOpen(null);
    users.reload();
  };
  return (
    <>
      <div class="toolbar">
        <button type="button" class="primary" onClick={() => setOpen({ kind: 'create' })}>
          + User
        </button>
      </div>
      <ErrorMessage message={users.error} />
      {users.data === undefined ? (
        <Loading what="users" />
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Username</th>
                <th scope="col">Scopes</th>
                <th scope="col">Status</th>
                <th scope="col">Created</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {users.data.users.map((user) => (
                <UserRow key={user.id} user={user} onOpen={setOpen} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <UserDialogs open={open} onClose={() => setOpen(null)} onSaved={saved} />
    </>
  );
}
