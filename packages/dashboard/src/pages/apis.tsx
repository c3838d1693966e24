/** Admin: the registered APIs (RFC 8707 resource identifiers), their scopes and token lifetimes, and their usage. */
import { useState } from 'preact/hooks';
import { api, segment } from '../api/client.js';
import type { ApiView, UsageSeries } from '../api/types.js';
import { ActionForm } from '../components/action-form.js';
import { Badge, ErrorMessage, Loaded, Loading } from '../components/feedback.js';
import { CheckboxField, ScopesField, TextField } from '../components/fields.js';
import { RowAction, Table } from '../components/table.js';
import { UsageChart } from '../components/usage-chart.js';
import { useDialog } from '../components/use-dialog.js';
import { useLoad } from '../components/use-load.js';
import { formatDate, formatDuration, formatList, parseScopes } from '../format.js';

interface ApiFormValues {
  identifier: string;
  scopes: string;
  ttlSeconds: string;
  isDefault: boolean;
  dpopRequired: boolean;
}

function ApiForm(props: { initial?: ApiView; onSaved: () => void; onCancel: () => void }) {
  const { initial } = props;
  const [values, setValues] = useState<ApiFormValues>({
    identifier: initial?.identifier ?? '',
    scopes: initial?.scopes.join(' ') ?? '',
    ttlSeconds: initial ? String(initial.tokenTtlSeconds) : '',
    isDefault: initial?.isDefault ?? false,
    dpopRequired: initial?.dpop === 'required',
  });
  const set = (changes: Partial<ApiFormValues>) => setValues({ ...values, ...changes });

  const save = async () => {
    const body: Record<string, unknown> = {
      scopes: parseScopes(values.scopes),
      isDefault: values.isDefault,
      dpop: values.dpopRequired ? 'required' : 'allowed',
    };
    if (values.ttlSeconds.trim() !== '') body.tokenTtlSeconds = Number(values.ttlSeconds);
    if (initial) await api.patch(`/apis/${segment(initial.identifier)}`, body);
    else await api.post('/apis', { identifier: values.identifier.trim(), ...body });
    props.onSaved();
  };

  return (
    <ActionForm submitLabel={initial ? 'Save' : 'Create API'} onSubmit={save} onCancel={props.onCancel}>
      {initial ? null : (
        <TextField
          label="Identifier"
          type="url"
          value={values.identifier}
          onInput={(identifier) => set({ identifier })}
          required
          hint="An absolute URI, e.g. https://api.example.com; it becomes the tokens' audience."
        />
      )}
      <ScopesField value={values.scopes} onInput={(scopes) => set({ scopes })} />
      <TextField
        label="Token lifetime (seconds)"
        type="number"
        min="1"
        value={values.ttlSeconds}
        onInput={(ttlSeconds) => set({ ttlSeconds })}
        hint="Of access tokens issued for this API. Empty: the server's default."
      />
      <CheckboxField label="Default API" checked={values.isDefault} onChange={(isDefault) => set({ isDefault })} />
      <CheckboxField
        label="Only DPoP-bound tokens"
        checked={values.dpopRequired}
        onChange={(dpopRequired) => set({ dpopRequired })}
      />
    </ActionForm>
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

export function ApisPage() {
  const apis = useLoad(() => api.get<{ apis: ApiView[] }>('/apis'));
  const dialog = useDialog();
  const saved = () => {
    dialog.close();
    apis.reload();
  };
  const edit = (item?: ApiView) =>
    dialog.show(item ? `Edit ${item.identifier}` : 'New API', () => (
      <ApiForm initial={item} onSaved={saved} onCancel={dialog.close} />
    ));
  const remove = (item: ApiView) =>
    dialog.confirm({
      title: `Delete ${item.identifier}?`,
      confirmLabel: 'Delete',
      danger: true,
      body: <p>Clients and tokens can no longer be issued for this API.</p>,
      onConfirm: async () => {
        await api.delete(`/apis/${segment(item.identifier)}`);
        apis.reload();
      },
    });

  return (
    <>
      <div class="toolbar">
        <button type="button" class="primary" onClick={() => edit()}>
          + API
        </button>
      </div>
      <Loaded state={apis} what="APIs">
        {(data) => (
          <Table label="APIs" columns={['Identifier', 'Scopes', 'Token lifetime', 'Created']} actions>
            {data.apis.map((item) => (
              <tr key={item.identifier}>
                <th scope="row" class="mono">
                  {item.identifier} {item.isDefault ? <Badge tone="info">default</Badge> : null}
                  {item.dpop === 'required' ? <Badge tone="info">DPoP only</Badge> : null}
                </th>
                <td data-label="Scopes">{formatList(item.scopes)}</td>
                <td data-label="Token lifetime">{formatDuration(item.tokenTtlSeconds)}</td>
                <td data-label="Created">{formatDate(item.createdAt)}</td>
                <td class="row-actions">
                  <RowAction label={`Edit ${item.identifier}`} onClick={() => edit(item)}>
                    Edit
                  </RowAction>
                  <RowAction label={`Delete ${item.identifier}`} danger onClick={() => remove(item)}>
                    Delete
                  </RowAction>
                </td>
              </tr>
            ))}
          </Table>
        )}
      </Loaded>
      <h2>Usage, last 30 days</h2>
      <ApiUsage />
      {dialog.element}
    </>
  );
}
