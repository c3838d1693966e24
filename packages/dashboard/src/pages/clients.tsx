/** Admin: OAuth clients. A client's secret is shown once, at creation and after each rotation. */
import { useState } from 'preact/hooks';
import { api, segment } from '../api/client.js';
import type { ClientView, CreatedClientView } from '../api/types.js';
import { Loaded } from '../components/feedback.js';
import { SecretPanel } from '../components/secret-panel.js';
import { RowAction, Table } from '../components/table.js';
import { useDialog } from '../components/use-dialog.js';
import { useLoad } from '../components/use-load.js';
import { formatDate, formatList } from '../format.js';
import { ClientForm } from './client-form.js';

export function ClientsPage() {
  const clients = useLoad(() => api.get<{ clients: ClientView[] }>('/clients'));
  const dialog = useDialog();
  const [secret, setSecret] = useState<CreatedClientView | null>(null);
  const saved = () => {
    dialog.close();
    clients.reload();
  };
  const revealed = (created: CreatedClientView) => {
    saved();
    setSecret(created);
  };

  const edit = (item?: ClientView) =>
    dialog.show(item ? `Edit ${item.name}` : 'New OAuth client', () => (
      <ClientForm initial={item} onCreated={revealed} onSaved={saved} onCancel={dialog.close} />
    ));
  const rotate = (item: ClientView) =>
    dialog.confirm({
      title: `Rotate the secret of ${item.name}?`,
      confirmLabel: 'Rotate secret',
      body: <p>The current secret stops working at once; whatever uses it needs the new one.</p>,
      onConfirm: async () => revealed(await api.post<CreatedClientView>(`/clients/${segment(item.id)}/rotate-secret`)),
    });
  const remove = (item: ClientView) =>
    dialog.confirm({
      title: `Delete ${item.name}?`,
      confirmLabel: 'Delete',
      danger: true,
      body: <p>The client can no longer get tokens. This cannot be undone.</p>,
      onConfirm: async () => {
        await api.delete(`/clients/${segment(item.id)}`);
        clients.reload();
      },
    });

  return (
    <>
      {secret ? (
        <SecretPanel
          title={`Client secret for “${secret.client.name}”`}
          secret={secret.clientSecret}
          onDone={() => setSecret(null)}
          details={
            <p>
              Client id: <code class="mono">{secret.client.id}</code>
            </p>
          }
        />
      ) : null}
      <div class="toolbar">
        <button type="button" class="primary" onClick={() => edit()}>
          + OAuth client
        </button>
      </div>
      <Loaded state={clients} what="clients">
        {(data) => (
          <Table
            label="OAuth clients"
            columns={['Name', 'Client id', 'Scopes', 'APIs', 'Grant types', 'Created']}
            actions
          >
            {data.clients.map((item) => (
              <tr key={item.id}>
                <th scope="row">{item.name}</th>
                <td class="mono nowrap" data-label="Client id">
                  {item.id}
                </td>
                <td data-label="Scopes">{formatList(item.scopes)}</td>
                <td data-label="APIs">{formatList(item.apis, 'any')}</td>
                <td data-label="Grant types">
                  {formatList(item.grantTypes)}
                  {item.dpop === 'required' ? ' (DPoP only)' : ''}
                </td>
                <td data-label="Created">{formatDate(item.createdAt)}</td>
                <td class="row-actions">
                  <RowAction label={`Edit ${item.name}`} onClick={() => edit(item)}>
                    Edit
                  </RowAction>
                  <RowAction label={`Rotate secret of ${item.name}`} onClick={() => rotate(item)}>
                    Rotate secret
                  </RowAction>
                  <RowAction label={`Delete ${item.name}`} danger onClick={() => remove(item)}>
                    Delete
                  </RowAction>
                </td>
              </tr>
            ))}
          </Table>
        )}
      </Loaded>
      {dialog.element}
    </>
  );
}
