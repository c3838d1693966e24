/** An endpoint's deliveries, newest first, with their status: what the dialog behind "Deliveries" shows. */
import { api, segment } from '../api/client.js';
import type { WebhookDeliveryView } from '../api/types.js';
import { Badge, Loaded } from '../components/feedback.js';
import { Table } from '../components/table.js';
import { useLoad } from '../components/use-load.js';
import { formatTime } from '../format.js';

function status(delivery: WebhookDeliveryView) {
  if (delivery.status === 'delivered') return <Badge tone="ok">delivered</Badge>;
  if (delivery.status === 'failed') return <Badge tone="bad">failed</Badge>;
  return <Badge tone="warn">{`pending, next ${formatTime(delivery.nextAttemptAt)}`}</Badge>;
}

function lastResult(delivery: WebhookDeliveryView): string {
  if (delivery.lastError !== null) return delivery.lastError;
  return delivery.lastResponseStatus === null ? '—' : `HTTP ${delivery.lastResponseStatus}`;
}

export function WebhookDeliveries(props: { endpointId: string; onClose: () => void }) {
  const deliveries = useLoad(() =>
    api.get<{ deliveries: WebhookDeliveryView[] }>(`/webhooks/${segment(props.endpointId)}/deliveries`),
  );
  return (
    <>
      <div class="toolbar">
        <button type="button" class="secondary" onClick={deliveries.reload}>
          Refresh
        </button>
      </div>
      <Loaded state={deliveries} what="deliveries">
        {(data) =>
          data.deliveries.length === 0 ? (
            <p>No deliveries yet.</p>
          ) : (
            <Table label="Deliveries" columns={['Event', 'Status', 'Attempts', 'Queued', 'Last result']}>
              {data.deliveries.map((delivery) => (
                <tr key={delivery.id}>
                  <th scope="row" title={`webhook-id ${delivery.id}`}>
                    {delivery.eventType}
                  </th>
                  <td data-label="Status">{status(delivery)}</td>
                  <td data-label="Attempts">{delivery.attempts}</td>
                  <td data-label="Queued">{formatTime(delivery.createdAt)}</td>
                  <td data-label="Last result">{lastResult(delivery)}</td>
                </tr>
              ))}
            </Table>
          )
        }
      </Loaded>
      <div class="actions">
        <button type="button" class="primary" onClick={props.onClose}>
          Close
        </button>
      </div>
    </>
  );
}
