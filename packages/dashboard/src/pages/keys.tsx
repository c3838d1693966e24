/** Admin: the signing keys, which one signs now, and rotation (new tokens get the new key; old ones stay valid). */
import { useState } from 'preact/hooks';
import { api } from '../api/client.js';
import type { KeyView } from '../api/types.js';
import { ConfirmDialog } from '../components/confirm.js';
import { Badge, ErrorMessage, Loading } from '../components/feedback.js';
import { useLoad } from '../components/use-load.js';
import { formatTime } from '../format.js';

function status(key: KeyView) {
  if (key.signing) return <Badge tone="ok">signing now</Badge>;
  if (key.retiredAt !== null) return <Badge tone="warn">retired</Badge>;
  return <Badge tone="info">published</Badge>;
}

export function KeysPage() {
  const keys = useLoad(() => api.get<{ keys: KeyView[] }>('/keys'));
  const [confirming, setConfirming] = useState(false);
  return (
    <>
      <div class="toolbar">
        <button type="button" class="primary" onClick={() => setConfirming(true)}>
          Rotate signing key
        </button>
      </div>
      <ErrorMessage message={keys.error} />
      {keys.data === undefined ? (
        <Loading what="keys" />
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Key id</th>
                <th scope="col">Algorithm</th>
                <th scope="col">Status</th>
                <th scope="col">Created</th>
                <th scope="col">Retired</th>
                <th scope="col">Removed from JWKS</th>
              </tr>
            </thead>
            <tbody>
              {keys.data.keys.map((key) => (
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
            </tbody>
          </table>
        </div>
      )}
      {confirming ? (
        <ConfirmDialog
          title="Rotate the signing key?"
          confirmLabel="Rotate"
          onClose={() => setConfirming(false)}
          onConfirm={async () => {
            await api.post<KeyView>('/keys/rotate', {});
            setConfirming(false);
            keys.reload();
          }}
        >
          <p>A new key signs every token from now on. The current key stays published until tokens it signed expire.</p>
        </ConfirmDialog>
      ) : null}
    </>
  );
}
