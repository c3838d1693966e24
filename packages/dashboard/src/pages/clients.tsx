/** Admin: OAuth clients. A client's secret is shown once, at creation and after each rotation. */
import { useState } from 'preact/hooks';
import { api, segment } from '../api/client.js';
import type { ApiView, ClientView, CreatedClientView } from '../api/types.js';
import { ConfirmDialog } from '../components/confirm.js';
import { Dialog } from '../components/dialog.js';
import { ErrorMessage, Loading } from '../components/feedback.js';
import { SecretPanel } from '../components/secret-panel.js';
import { useLoad } from '../components/use-load.js';
import { formatDate, formatList } from '../format.js';
import { ClientForm } from './client-form.js';

type Open =
  | { kind: 'create' }
  | { kind: 'edit'; item: ClientView }
  | { kind: 'rotate'; item: ClientView }
  | { kind: 'delete'; item: ClientView }
  | null;

export function ClientsPage() {
  const clients = useLoad(() => api.get<{ clients: ClientView[] }>('/clients'));
  const apis = useLoad(() => api.get<{ apis: ApiView[] }>('/apis'));
  const [open, setOpen] = useState<Open>(null);
  const [secret, setSecret] = useState<CreatedClientView | null>(null);
  const close = () => setOpen(null);
  const saved = () => {
    setOpen(null);
    clients.reload();
  };
  const revealed = (created: CreatedClientView) => {
    saved();
    setSecret(created);
  };
  const apiIdentifiers = apis.data?.apis.map((item) => item.identifier) ?? [];

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
        <button type="button" class="primary" onClick={() => setOpen({ kind: 'create' })}>
          + OAuth client
        </button>
      </div>
      <ErrorMessage message={clients.error} />
      {clients.data === undefined ? (
        <Loading what="clients" />
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Client id</th>
                <th scope="col">Scopes</th>
                <th scope="col">APIs</th>
                <th scope="col">Grant types</th>
                <th scope="col">Created</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {clients.data.clients.map((item) => (
                <tr key={item.id}>
                  <th scope="row">{item.name}</th>
                  <td class="mono nowrap">{item.id}</td>
                  <td>{formatList(item.scopes)}</td>
                  <td>{formatList(item.apis, 'any')}</td>
                  <td>{formatList(item.grantTypes)}</td>
                  <td>{formatDate(item.createdAt)}</td>
                  <td class="row-actions">
                    <button
                      type="button"
                      class="link"
                      aria-label={`Edit ${item.name}`}
                      onClick={() => setOpen({ kind: 'edit', item })}
                    >
                      Edit
                    </button>
                    <button
                      type="button"
                      class="link"
                      aria-label={`Rotate secret of ${item.name}`}
                      onClick={() => setOpen({ kind: 'rotate', item })}
                    >
                      Rotate secret
                    </button>
                    <button
                      type="button"
                      class="link danger-text"
                      aria-label={`Delete ${item.name}`}
                      onClick={() => setOpen({ kind: 'delete', item })}
                    >
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {open?.kind === 'create' || open?.kind === 'edit' ? (
        <Dialog title={open.kind === 'create' ? 'New OAuth client' : `Edit ${open.item.name}`} onClose={close}>
          <ClientForm
            {...(open.kind === 'edit' ? { initial: open.item } : {})}
            apiIdentifiers={apiIdentifiers}
            onCreated={revealed}
            onSaved={saved}
            onCancel={close}
          />
        </Dialog>
      ) : null}
      {open?.kind === 'rotate' ? (
        <ConfirmDialog
          title={`Rotate the secret of ${open.item.name}?`}
          confirmLabel="Rotate secret"
          onClose={close}
          onConfirm={async () =>
            revealed(await api.post<CreatedClientView>(`/clients/${segment(open.item.id)}/rotate-secret`))
          }
        >
          <p>The current secret stops working at once; whatever uses it needs the new one.</p>
        </ConfirmDialog>
      ) : null}
      {open?.kind === 'delete' ? (
        <ConfirmDialog
          title={`Delete ${open.item.name}?`}
          confirmLabel="Delete"
          danger
          onClose={close}
          onConfirm={async () => {
            await api.delete(`/clients/${segment(open.item.id)}`);
            saved();
          }}
        >
          <p>The client can no longer get tokens. This cannot be undone.</p>
        </ConfirmDialog>
      ) : null}
    </>
  );
}
