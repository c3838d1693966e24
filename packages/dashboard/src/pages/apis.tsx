/** Admin: the registered APIs (RFC 8707 resource identifiers), their scopes and token lifetimes, and their usage. */
import { useState } from 'preact/hooks';
import { api, messageOf, segment } from '../api/client.js';
import type { ApiView, UsageSeries } from '../api/types.js';
import { ConfirmDialog } from '../components/confirm.js';
import { Dialog } from '../components/dialog.js';
import { Badge, ErrorMessage, Loading } from '../components/feedback.js';
import { Actions, CheckboxField, TextField } from '../components/fields.js';
import { UsageChart } from '../components/usage-chart.js';
import { useLoad } from '../components/use-load.js';
import { formatDate, formatDuration, formatList, parseScopes } from '../format.js';

interface ApiFormValues {
  identifier: string;
  scopes: string;
  ttlSeconds: string;
  isDefault: boolean;
}

function ApiForm(props: { initial?: ApiView; onSaved: () => void; onCancel: () => void }) {
  const editing = props.initial !== undefined;
  const [values, setValues] = useState<ApiFormValues>({
    identifier: props.initial?.identifier ?? '',
    scopes: props.initial?.scopes.join(' ') ?? '',
    ttlSeconds: props.initial ? String(props.initial.tokenTtlSeconds) : '',
    isDefault: props.initial?.isDefault ?? false,
  });
  const [error, setError] = useState<string | null>(null);
  const set = (changes: Partial<ApiFormValues>) => setValues({ ...values, ...changes });

  const submit = async (event: Event) => {
    event.preventDefault();
    setError(null);
    const body: Record<string, unknown> = { scopes: parseScopes(values.scopes), isDefault: values.isDefault };
    if (values.ttlSeconds.trim() !== '') body.tokenTtlSeconds = Number(values.ttlSeconds);
    try {
      if (props.initial) await api.patch(`/apis/${segment(props.initial.identifier)}`, body);
      else await api.post('/apis', { identifier: values.identifier.trim(), ...body });
      props.onSaved();
    } catch (caught) {
      setError(messageOf(caught));
    }
  };

  return (
    <form class="form" onSubmit={submit}>
      {editing ? null : (
        <TextField
          label="Identifier"
          type="url"
          value={values.identifier}
          onInput={(identifier) => set({ identifier })}
          required
          hint="An absolute URI, e.g. https://api.example.com; it becomes the tokens' audience."
        />
      )}
      <TextField
        label="Scopes"
        value={values.scopes}
        onInput={(scopes) => set({ scopes })}
        hint="Separated by spaces."
      />
      <TextField
        label="Token lifetime (seconds)"
        type="number"
        min="1"
        value={values.ttlSeconds}
        onInput={(ttlSeconds) => set({ ttlSeconds })}
        hint="Of access tokens issued for this API. Empty: the server's default."
      />
      <CheckboxField label="Default API" checked={values.isDefault} onChange={(isDefault) => set({ isDefault })} />
      <ErrorMessage message={error} />
      <Actions>
        <button type="button" class="secondary" onClick={props.onCancel}>
          Cancel
        </button>
        <button type="submit" class="primary">
          {editing ? 'Save' : 'Create API'}
        </button>
      </Actions>
    </form>
  );
}

function ApiUsage() {
  const usage = useLoad(() => api.get<{ series: UsageSeries[] }>('/usage/apis?days=30'));
  if (usage.error) return <ErrorMessage message={usage.error} />;
  if (!usage.data) return <Loading what="usage" />;
  if (usage.data.series.length === 0) return <p class="muted">No API-token requests yet.</p>;
  return (
    <div class="charts">
      {usage.data.series.map((series) => (
        <UsageChart key={series.key} series={series} title={series.label} />
      ))}
    </div>
  );
}

type Open = { kind: 'create' } | { kind: 'edit'; item: ApiView } | { kind: 'delete'; item: ApiView } | null;

export function ApisPage() {
  const apis = useLoad(() => api.get<{ apis: ApiView[] }>('/apis'));
  const [open, setOpen] = useState<Open>(null);
  const close = () => setOpen(null);
  const saved = () => {
    setOpen(null);
    apis.reload();
  };

  return (
    <>
      <div class="toolbar">
        <button type="button" class="primary" onClick={() => setOpen({ kind: 'create' })}>
          + API
        </button>
      </div>
      <ErrorMessage message={apis.error} />
      {apis.data === undefined ? (
        <Loading what="APIs" />
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Identifier</th>
                <th scope="col">Scopes</th>
                <th scope="col">Token lifetime</th>
                <th scope="col">Created</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {apis.data.apis.map((item) => (
                <tr key={item.identifier}>
                  <th scope="row" class="mono">
                    {item.identifier} {item.isDefault ? <Badge tone="info">default</Badge> : null}
                  </th>
                  <td>{formatList(item.scopes)}</td>
                  <td>{formatDuration(item.tokenTtlSeconds)}</td>
                  <td>{formatDate(item.createdAt)}</td>
                  <td class="row-actions">
                    <button
                      type="button"
                      class="link"
                      aria-label={`Edit ${item.identifier}`}
                      onClick={() => setOpen({ kind: 'edit', item })}
                    >
                      Edit
                    </button>
                    <button
                      type="button"
                      class="link danger-text"
                      aria-label={`Delete ${item.identifier}`}
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
      <h2>Usage, last 30 days</h2>
      <ApiUsage />
      {open?.kind === 'create' ? (
        <Dialog title="New API" onClose={close}>
          <ApiForm onSaved={saved} onCancel={close} />
        </Dialog>
      ) : null}
      {open?.kind === 'edit' ? (
        <Dialog title={`Edit ${open.item.identifier}`} onClose={close}>
          <ApiForm initial={open.item} onSaved={saved} onCancel={close} />
        </Dialog>
      ) : null}
      {open?.kind === 'delete' ? (
        <ConfirmDialog
          title={`Delete ${open.item.identifier}?`}
          confirmLabel="Delete"
          danger
          onClose={close}
          onConfirm={async () => {
            await api.delete(`/apis/${segment(open.item.identifier)}`);
            saved();
          }}
        >
          <p>Clients and tokens can no longer be issued for this API.</p>
        </ConfirmDialog>
      ) : null}
    </>
  );
}
