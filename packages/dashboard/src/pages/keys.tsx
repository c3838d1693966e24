/**
 * Admin: the signing keys, which one signs now, and rotation (the new key is published at once and signs after the
 * propagation delay; old tokens stay valid).
 */
import { api } from '../api/client.js';
import type { KeyView } from '../api/types.js';
import { Badge, Loaded } from '../components/feedback.js';
import { Table } from '../components/table.js';
import { useDialog } from '../components/use-dialog.js';
import { useLoad } from '../components/use-load.js';
import { formatTime } from '../format.js';

function status(key: KeyView) {
  if (key.signing) return <Badge tone="ok">signing now</Badge>;
  if (key.retiredAt === null) return <Badge tone="info">{`signs from ${formatTime(key.activatesAt)}`}</Badge>;
  if (key.retiredAt * 1000 <= Date.now()) return <Badge tone="warn">retired</Badge>;
  return <Badge tone="info">published</Badge>;
}

export function KeysPage() {
  const keys = useLoad(() => api.get<{ keys: KeyView[] }>('/keys'));
  const dialog = useDialog();
  const rotate = () =>
    dialog.confirm({
      title: 'Rotate the signing key?',
      confirmLabel: 'Rotate',
      body: (
        <p>
          A new key is published now and signs every token once verifiers have had time to fetch it (the key propagation
          delay, 2 minutes by default). The current key signs until then and stays published until its tokens expire.
        </p>
      ),
      onConfirm: async () => {
        await api.post<KeyView>('/keys/rotate', {});
        keys.reload();
      },
    });
  return (
    <>
      <div class="toolbar">
        <button type="button" class="primary" onClick={rotate}>
          Rotate signing key
        </button>
      </div>
      <Loaded state={keys} what="keys">
        {(data) => (
          <Table
            label="Signing keys"
            columns={['Key id', 'Algorithm', 'Status', 'Created', 'Retired', 'Removed from JWKS']}
          >
            {data.keys.map((key) => (
              <tr key={key.kid}>
                <th scope="row" class="mono">
                  {key.kid}
                </th>
                <td data-label="Algorithm">{key.alg}</td>
                <td data-label="Status">{status(key)}</td>
                <td data-label="Created">{formatTime(key.createdAt)}</td>
                <td data-label="Retired">{formatTime(key.retiredAt)}</td>
                <td data-label="Removed from JWKS">{formatTime(key.expiresAt)}</td>
              </tr>
            ))}
          </Table>
        )}
      </Loaded>
      {dialog.element}
    </>
  );
}
