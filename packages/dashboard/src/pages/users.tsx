/** Admin: the people who sign in. Create, edit scopes, disable/enable, reset password, delete. */
import { api, segment } from '../api/client.js';
import type { UserView } from '../api/types.js';
import { Badge, Loaded } from '../components/feedback.js';
import { RowAction, Table } from '../components/table.js';
import { type PageDialog, useDialog } from '../components/use-dialog.js';
import { useLoad } from '../components/use-load.js';
import { formatDate, formatList } from '../format.js';
import { CreateUserForm, EditUserForm, ResetPasswordForm } from './user-forms.js';

/** What the page's buttons open; `changed` reloads the list after a change. */
function userActions(dialog: PageDialog, changed: () => void) {
  const saved = () => {
    dialog.close();
    changed();
  };
  return {
    create: () => dialog.show('New user', () => <CreateUserForm onSaved={saved} onCancel={dialog.close} />),
    edit: (user: UserView) =>
      dialog.show(`Edit ${user.username}`, () => <EditUserForm user={user} onSaved={saved} onCancel={dialog.close} />),
    password: (user: UserView) =>
      dialog.show(`Reset the password of ${user.username}`, () => (
        <ResetPasswordForm user={user} onSaved={saved} onCancel={dialog.close} />
      )),
    toggle: (user: UserView) => {
      const verb = user.disabled ? 'Enable' : 'Disable';
      dialog.confirm({
        title: `${verb} ${user.username}?`,
        confirmLabel: verb,
        danger: !user.disabled,
        body: (
          <p>
            {user.disabled
              ? 'They can sign in again and their API tokens work again.'
              : 'They are signed out everywhere and their API tokens stop working until enabled again.'}
          </p>
        ),
        onConfirm: async () => {
          await api.patch(`/users/${segment(user.id)}`, { disabled: !user.disabled });
          changed();
        },
      });
    },
    remove: (user: UserView) =>
      dialog.confirm({
        title: `Delete ${user.username}?`,
        confirmLabel: 'Delete',
        danger: true,
        body: <p>This cannot be undone.</p>,
        onConfirm: async () => {
          await api.delete(`/users/${segment(user.id)}`);
          changed();
        },
      }),
  };
}

type UserActions = ReturnType<typeof userActions>;

function UserRow(props: { user: UserView; actions: UserActions }) {
  const { user, actions } = props;
  return (
    <tr>
      <th scope="row">
        {user.username} {user.isAdmin ? <Badge tone="info">admin</Badge> : null}
      </th>
      <td data-label="Scopes">{formatList(user.scopes)}</td>
      <td data-label="Status">
        {user.disabled ? <Badge tone="bad">disabled</Badge> : <Badge tone="ok">active</Badge>}
      </td>
      <td data-label="Created">{formatDate(user.createdAt)}</td>
      <td class="row-actions">
        <RowAction label={`Edit ${user.username}`} onClick={() => actions.edit(user)}>
          Edit
        </RowAction>
        <RowAction
          label={`${user.disabled ? 'Enable' : 'Disable'} ${user.username}`}
          onClick={() => actions.toggle(user)}
        >
          {user.disabled ? 'Enable' : 'Disable'}
        </RowAction>
        <RowAction label={`Reset password of ${user.username}`} onClick={() => actions.password(user)}>
          Reset password
        </RowAction>
        <RowAction label={`Delete ${user.username}`} danger onClick={() => actions.remove(user)}>
          Delete
        </RowAction>
      </td>
    </tr>
  );
}

export function UsersPage() {
  const users = useLoad(() => api.get<{ users: UserView[] }>('/users'));
  const dialog = useDialog();
  const actions = userActions(dialog, users.reload);
  return (
    <>
      <div class="toolbar">
        <button type="button" class="primary" onClick={actions.create}>
          + User
        </button>
      </div>
      <Loaded state={users} what="users">
        {(data) => (
          <Table label="Users" columns={['Username', 'Scopes', 'Status', 'Created']} actions>
            {data.users.map((user) => (
              <UserRow key={user.id} user={user} actions={actions} />
            ))}
          </Table>
        )}
      </Loaded>
      {dialog.element}
    </>
  );
}
