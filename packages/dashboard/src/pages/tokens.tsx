/** API tokens: the signed-in person's tokens, creating one, and per token usage, regenerate and revoke. */
import { useState } from 'preact/hooks';
import { api, segment } from '../api/client.js';
import type { ApiTokenView, ApiView, CreatedApiToken, SessionView, UsageSeries } from '../api/types.js';
import { ConfirmDialog } from '../components/confirm.js';
import { Badge, ErrorMessage, Loading } from '../components/feedback.js';
import { CheckboxField } from '../components/fields.js';
import { UsageChart } from '../components/usage-chart.js';
import { useLoad } from '../components/use-load.js';
import { formatDate, formatList, formatTime } from '../format.js';
import { TokenForm } from './token-form.js';
import { TokenSecret } from './token-secret.js';

type Pending = { kind: 'regenerate' | 'revoke'; token: ApiTokenView };

function ExpiryCell(props: { token: ApiTokenView }) {
  const { token } = props;
  return (
    <td data-label="Expires">
      {formatDate(token.expiresAt)}{' '}
      {token.expired ? (
        <Badge tone="bad">expired</Badge>
      ) : token.expiringSoon ? (
        <Badge tone="warn">expiring soon</Badge>
      ) : null}
    </td>
  );
}

function TokenUsage(props: { token: ApiTokenView }) {
  const usage = useLoad(
    () => api.get<UsageSeries>(`/tokens/${segment(props.token.id)}/usage?days=30`),
    [props.token.id],
  );
  if (usage.error) return <ErrorMessage message={usage.error} />;
  if (!usage.data) return <Loading what="usage" />;
  return <UsageChart series={usage.data} title={`Requests per day for “${props.token.name}”`} />;
}

function TokenRow(props: { token: ApiTokenView; showOwner: boolean; onAction: (pending: Pending) => void }) {
  const { token } = props;
  const [showUsage, setShowUsage] = useState(false);
  return (
    <>
      <tr>
        <th scope="row">{token.name}</th>
        {props.showOwner ? (
          <td data-label="Owner">
            {token.owner.name}
            {token.owner.kind === 'client' ? <span class="muted"> (client)</span> : null}
          </td>
        ) : null}
        <td data-label="APIs">{formatList(token.apis)}</td>
        <td data-label="Scopes">{formatList(token.scopes)}</td>
        <td data-label="Created">{formatDate(token.createdAt)}</td>
        <ExpiryCell token={token} />
        <td data-label="Last used">
          {token.lastUsedAt === null ? 'Never' : formatTime(token.lastUsedAt)}
          {token.lastUsedAddress ? <div class="muted mono">{token.lastUsedAddress}</div> : null}
        </td>
        <td class="number" data-label="Requests">
          {token.requestCount}
        </td>
        <td class="row-actions">
          <button
            type="button"
            class="link"
            aria-expanded={showUsage}
            aria-label={`Usage of ${token.name}`}
            onClick={() => setShowUsage(!showUsage)}
          >
            Usage
          </button>
          <button
            type="button"
            class="link"
            aria-label={`Regenerate ${token.name}`}
            onClick={() => props.onAction({ kind: 'regenerate', token })}
          >
            Regenerate
          </button>
          <button
            type="button"
            class="link danger-text"
            aria-label={`Revoke ${token.name}`}
            onClick={() => props.onAction({ kind: 'revoke', token })}
          >
            Revoke
          </button>
        </td>
      </tr>
      {showUsage ? (
        <tr class="detail">
          <td colSpan={props.showOwner ? 9 : 8}>
            <TokenUsage token={token} />
          </td>
        </tr>
      ) : null}
    </>
  );
}

function PendingDialog(props: {
  pending: Pending;
  onClose: () => void;
  onRegenerated: (created: CreatedApiToken) => void;
  onRevoked: () => void;
}) {
  const { kind, token } = props.pending;
  const path = `/tokens/${segment(token.id)}`;
  if (kind === 'regenerate') {
    return (
      <ConfirmDialog
        title={`Regenerate “${token.name}”?`}
        confirmLabel="Regenerate"
        onClose={props.onClose}
        onConfirm={async () => props.onRegenerated(await api.post<CreatedApiToken>(`${path}/regenerate`))}
      >
        <p>A new secret replaces the current one. The current secret stops working at once.</p>
      </ConfirmDialog>
    );
  }
  return (
    <ConfirmDialog
      title={`Revoke “${token.name}”?`}
      confirmLabel="Revoke"
      danger
      onClose={props.onClose}
      onConfirm={async () => {
        await api.delete(path);
        props.onRevoked();
      }}
    >
      <p>Anything using this token loses access at once. This cannot be undone.</p>
    </ConfirmDialog>
  );
}

export function TokensPage(props: { session: SessionView }) {
  const [all, setAll] = useState(false);
  const tokens = useLoad(() => api.get<{ tokens: ApiTokenView[] }>(all ? '/tokens?all=true' : '/tokens'), [all]);
  const apis = useLoad(() => api.get<{ apis: ApiView[] }>('/apis'));
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<CreatedApiToken | null>(null);
  const [pending, setPending] = useState<Pending | null>(null);

  const showSecret = (value: CreatedApiToken) => {
    setCreating(false);
    setPending(null);
    setCreated(value);
    tokens.reload();
  };

  return (
    <>
      {created ? <TokenSecret created={created} session={props.session} onDone={() => setCreated(null)} /> : null}
      {creating && apis.data ? (
        <TokenForm
          session={props.session}
          apis={apis.data.apis}
          onCreated={showSecret}
          onCancel={() => setCreating(false)}
        />
      ) : (
        <div class="toolbar">
          <button type="button" class="primary" onClick={() => setCreating(true)} disabled={!apis.data}>
            + API token
          </button>
          {props.session.user.isAdmin ? (
            <CheckboxField label="Show every owner's tokens" checked={all} onChange={setAll} />
          ) : null}
        </div>
      )}
      <ErrorMessage message={tokens.error ?? apis.error} />
      {tokens.data === undefined ? (
        <Loading what="tokens" />
      ) : tokens.data.tokens.length === 0 ? (
        <p class="empty">No API tokens yet. Create one to call an API from a script or a service.</p>
      ) : (
        <div class="table-wrap">
          <table class="stack">
            <thead>
              <tr>
                <th scope="col">Name</th>
                {all ? <th scope="col">Owner</th> : null}
                <th scope="col">APIs</th>
                <th scope="col">Scopes</th>
                <th scope="col">Created</th>
                <th scope="col">Expires</th>
                <th scope="col">Last used</th>
                <th scope="col">Requests</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {tokens.data.tokens.map((token) => (
                <TokenRow key={token.id} token={token} showOwner={all} onAction={setPending} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {pending ? (
        <PendingDialog
          pending={pending}
          onClose={() => setPending(null)}
          onRegenerated={showSecret}
          onRevoked={() => {
            setPending(null);
            tokens.reload();
          }}
        />
      ) : null}
    </>
  );
}
