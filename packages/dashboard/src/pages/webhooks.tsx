/**
 * Admin: webhook endpoints (docs/webhooks.md). Adding one shows its signing secret once; Edit changes its URL and
 * events; Disable stops sending it anything (Enable resumes); Test queues a webhook.test event that the server sends
 * like any other; Deliveries lists what was sent and how it went.
 */
import { useState } from 'preact/hooks';
import { api, messageOf, segment } from '../api/client.js';
import type { CreatedWebhookEndpoint, WebhookDeliveryView, WebhookEndpointView } from '../api/types.js';
import { Badge, Loaded } from '../components/feedback.js';
import { SecretPanel } from '../components/secret-panel.js';
import { RowAction, Table } from '../components/table.js';
import { useDialog } from '../components/use-dialog.js';
import { useLoad } from '../components/use-load.js';
import { formatDate } from '../format.js';
import { WebhookDeliveries } from './webhook-deliveries.js';
import { WebhookEndpointForm, webhookChanges } from './webhook-form.js';

type EndpointList = { webhooks: WebhookEndpointView[]; events: string[] };

export function WebhooksPage() {
  const endpoints = useLoad(() => api.get<EndpointList>('/webhooks'));
  const dialog = useDialog();
  const [secret, setSecret] = useState<CreatedWebhookEndpoint | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const add = () =>
    dialog.show('New webhook endpoint', () => (
      <WebhookEndpointForm
        events={endpoints.data?.events ?? []}
        initial={{ url: '', events: [] }}
        submitLabel="Add endpoint"
        onCancel={dialog.close}
        onSubmit={async (values) => {
          const created = await api.post<CreatedWebhookEndpoint>('/webhooks', values);
          dialog.close();
          endpoints.reload();
          setSecret(created);
        }}
      />
    ));
  // Focus goes back to the row's Edit button as the dialog closes: rows are keyed by id, so it is the same button.
  const edit = (item: WebhookEndpointView) =>
    dialog.show(`Edit ${item.url}`, () => (
      <WebhookEndpointForm
        events={endpoints.data?.events ?? []}
        initial={{ url: item.url, events: item.events }}
        submitLabel="Save changes"
        onCancel={dialog.close}
        onSubmit={async (values) => {
          const changes = webhookChanges(item, values);
          if (Object.keys(changes).length > 0) {
            await api.patch<WebhookEndpointView>(`/webhooks/${segment(item.id)}`, changes);
            setNotice(`Saved the endpoint ${values.url}.`);
          }
          dialog.close();
          endpoints.reload();
        }}
      />
    ));
  const toggle = async (item: WebhookEndpointView) => {
    try {
      await api.patch<WebhookEndpointView>(`/webhooks/${segment(item.id)}`, { enabled: !item.enabled });
      setNotice(item.enabled ? `Disabled ${item.url}: nothing is sent to it.` : `Enabled ${item.url}.`);
      endpoints.reload();
    } catch (error) {
      setNotice(`Could not ${item.enabled ? 'disable' : 'enable'} ${item.url}: ${messageOf(error)}`);
    }
  };
  const test = async (item: WebhookEndpointView) => {
    try {
      const delivery = await api.post<WebhookDeliveryView>(`/webhooks/${segment(item.id)}/test`);
      setNotice(`Test event ${delivery.id} queued for ${item.url}: see Deliveries for how it went.`);
    } catch (error) {
      setNotice(`Could not send a test event: ${messageOf(error)}`);
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
              <tr key={item.id} class={item.enabled ? undefined : 'endpoint-disabled'}>
                <th scope="row" class="mono">
                  {item.url}
                </th>
                <td data-label="Events">{item.events.join(', ')}</td>
                <td data-label="Status">
                  {item.enabled ? <Badge tone="ok">enabled</Badge> : <Badge tone="warn">disabled: sends nothing</Badge>}
                </td>
                <td data-label="Created">{formatDate(item.createdAt)}</td>
                <td class="row-actions">
                  <RowAction label={`Edit ${item.url}`} onClick={() => edit(item)}>
                    Edit
                  </RowAction>
                  <RowAction
                    label={`${item.enabled ? 'Disable' : 'Enable'} ${item.url}`}
                    onClick={() => void toggle(item)}
                  >
                    {item.enabled ? 'Disable' : 'Enable'}
                  </RowAction>
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
