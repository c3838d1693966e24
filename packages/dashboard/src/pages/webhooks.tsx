/**
 * Admin: webhook endpoints (docs/webhooks.md). Adding one shows its signing secret once; Test queues a webhook.test
 * event that the server sends like any other; Deliveries lists what was sent and how it went.
 */
import { useState } from 'preact/hooks';
import { api, segment } from '../api/client.js';
import type { CreatedWebhookEndpoint, WebhookDeliveryView, WebhookEndpointView } from '../api/types.js';
import { ActionForm } from '../components/action-form.js';
import { Badge, Loaded } from '../components/feedback.js';
import { CheckboxGroup, TextField } from '../components/fields.js';
import { SecretPanel } from '../components/secret-panel.js';
import { RowAction, Table } from '../components/table.js';
import { useDialog } from '../components/use-dialog.js';
import { useLoad } from '../components/use-load.js';
import { formatDate } from '../format.js';
import { WebhookDeliveries } from './webhook-deliveries.js';

function WebhookForm(props: {
  events: readonly string[];
  onCreated: (created: CreatedWebhookEndpoint) => void;
  onCancel: () => void;
}) {
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<string[]>([]);
  const save = async () => {
    if (events.length === 0) throw new Error('Choose at least one event.');
    props.onCreated(await api.post<CreatedWebhookEndpoint>('/webhooks', { url: url.trim(), events }));
  };
  return (
    <ActionForm submitLabel="Add endpoint" onSubmit={save} onCancel={props.onCancel}>
      <TextField
        label="URL"
        type="url"
        value={url}
        onInput={setUrl}
        hint="https (plain http only on 127.0.0.1 or localhost)"
        maxLength={2048}
        required
        autoFocus
      />
      <CheckboxGroup legend="Events" options={props.events} selected={events} onChange={setEvents} />
    </ActionForm>
  );
}

export function WebhooksPage() {
  const endpoints = useLoad(() => api.get<{ webhooks: WebhookEndpointView[]; events: string[] }>('/webhooks'));
  const dialog = useDialog();
  const [secret, setSecret] = useState<CreatedWebhookEndpoint | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const add = () =>
    dialog.show('New webhook endpoint', () => (
      <WebhookForm
        events={endpoints.data?.events ?? []}
        onCancel={dialog.close}
        onCreated={(created) => {
          dialog.close();
          endpoints.reload();
          setSecret(created);
        }}
      />
    ));
  const test = async (item: WebhookEndpointView) => {
    try {
      const delivery = await api.post<WebhookDeliveryView>(`/webhooks/${segment(item.id)}/test`);
      setNotice(`Test event ${delivery.id} queued for ${item.url}: see Deliveries for how it went.`);
    } catch (error) {
      setNotice(`Could not send a test event: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  const deliveries = (item: WebhookEndpointView) =>
    dialog.show(`Deliveries to ${item.url}`, () => <WebhookDeliveries endpointId={item.id} onClose={dialog.close} />);
  const remove = (item: WebhookEndpointView) =>
    dialog.confirm({
      title: `Delete the endpoint ${item.url}?`,
      confirmLabel: 'Delete',
      danger: true,
      body: <p>Nothing more is sent to it, and its queued deliveries are dropped.</p>,
      onConfirm: async () => {
        await api.delete(`/webhooks/${segment(item.id)}`);
        endpoints.reload();
      },
    });

  return (
    <>
      {secret ? (
        <SecretPanel
          title={`Signing secret for ${secret.endpoint.url}`}
          secret={secret.secret}
          onDone={() => setSecret(null)}
          details={<p>Receivers verify the webhook-signature header of each delivery with it.</p>}
        />
      ) : null}
      <div class="toolbar">
        <button type="button" class="primary" onClick={add}>
          + Webhook endpoint
        </button>
      </div>
      {notice ? (
        <p role="status" class="notice">
          {notice}
        </p>
      ) : null}
      <Loaded state={endpoints} what="webhook endpoints">
        {(data) => (
          <Table label="Webhook endpoints" columns={['URL', 'Events', 'Status', 'Created']} actions>
            {data.webhooks.map((item) => (
              <tr key={item.id}>
                <th scope="row" class="mono">
                  {item.url}
                </th>
                <td data-label="Events">{item.events.join(', ')}</td>
                <td data-label="Status">
                  {item.enabled ? <Badge tone="ok">enabled</Badge> : <Badge tone="info">disabled</Badge>}
                </td>
                <td data-label="Created">{formatDate(item.createdAt)}</td>
                <td class="row-actions">
                  <RowAction label={`Send a test event to ${item.url}`} onClick={() => void test(item)}>
                    Test
                  </RowAction>
                  <RowAction label={`Deliveries to ${item.url}`} onClick={() => deliveries(item)}>
                    Deliveries
                  </RowAction>
                  <RowAction label={`Delete ${item.url}`} danger onClick={() => remove(item)}>
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
