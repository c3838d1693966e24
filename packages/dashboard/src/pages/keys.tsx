/** Admin: the signing keys, which one signs now, and rotation (new tokens get the new key; old ones stay valid). */
import { api } from '../api/client.js';
import type { KeyView } from '../api/types.js';
import { Badge, Loaded } from '../components/feedback.js';
import { Table } from '../components/table.js';
import { useDialog } from '../components/use-dialog.js';
import { useLoad } from '../components/use-load.js';
import { formatTime } from '../format.js';

function status(key: KeyView) {
  if (key.signing) return <Badge tone="ok">signing now</Badge>;
  if (key.retiredAt !== null) return <Badge tone="warn">retired</Badge>;
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
        <p>A new key signs every token from now on. The current key stays published until tokens it signed expire.</p>
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
          <Table columns={['Key id', 'Algorithm', 'Status', 'Created', 'Retired', 'Removed from JWKS']}>
            {data.keys.map((key) => (
              <tr key={key.kid}>
                <th scope="row" class="mono">
                  {key.kid}
                </th>
                <td>{key.alg}</td>
                <td>{status(key)}</td>
                <td>{formatTime(key.createdAt)}</td>
                <td>{formatTime(key.retiredAt)}</td>
                <td>{formatTime(key.expiresAt)}</td>
              </tr>
            ))}
          </Table>
        )}
      </Loaded>
      {dialog.element}
    </>
  );
}
