/** API tokens: the signed-in person's tokens, creating one, and per token usage, details, regenerate and revoke. */
import { useRef, useState } from 'preact/hooks';
import { api, segment } from '../api/client.js';
import type { ApiTokenView, ApiView, CreatedApiToken, SessionView, UsageSeries } from '../api/types.js';
import { Badge, ErrorMessage, Loaded, Loading } from '../components/feedback.js';
import { CheckboxField, Field } from '../components/fields.js';
import { RowAction, Table } from '../components/table.js';
import { UsageChart } from '../components/usage-chart.js';
import { type PageDialog, useDialog } from '../components/use-dialog.js';
import { useFocusTarget } from '../components/use-focus-target.js';
import { useLoad } from '../components/use-load.js';
import { useReloadWhilePresent } from '../components/use-reload-while-present.js';
import { takeDraft } from '../drafts.js';
import { formatDate, formatList, formatTime } from '../format.js';
import { TOKEN_DRAFT, TokenForm, tokenDraftFrom } from './token-form.js';
import { GRACE_CHOICES, OwnerDataForm, OwnerDataSummary, PreviousSecretNote } from './token-owner-data.js';
import { QuotaForm } from './token-quota-form.js';
import { QuotaSummary } from './token-quotas.js';
import { TokenSecret } from './token-secret.js';

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
      <PreviousSecretNote token={token} />
    </td>
  );
}

/** `onEditLimits`: for admins only (see QuotaSummary). */
function TokenUsage(props: { token: ApiTokenView; onEditLimits?: (() => void) | undefined }) {
  const usage = useLoad(
    () => api.get<UsageSeries>(`/tokens/${segment(props.token.id)}/usage?days=30`),
    [props.token.id],
  );
  if (usage.error) return <ErrorMessage message={usage.error} />;
  if (!usage.data) return <Loading what="usage" />;
  return (
    <div class="usage-with-quotas">
      <UsageChart series={usage.data} title={`Requests per day for “${props.token.name}”`} />
      <QuotaSummary token={props.token} onEdit={props.onEditLimits} />
    </div>
  );
}

interface TokenActions {
  details: (token: ApiTokenView) => void;
  regenerate: (token: ApiTokenView) => void;
  revoke: (token: ApiTokenView) => void;
  /** Undefined for someone who is not an admin: the admin API lets only admins change a token's quotas. */
  editLimits: ((token: ApiTokenView) => void) | undefined;
}

function TokenRow(props: { token: ApiTokenView; showOwner: boolean; actions: TokenActions }) {
  const { token, actions } = props;
  const [showUsage, setShowUsage] = useState(false);
  return (
    <>
      <tr>
        <th scope="row">
          {token.name}
          <OwnerDataSummary token={token} />
        </th>
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
          <RowAction label={`Usage of ${token.name}`} expanded={showUsage} onClick={() => setShowUsage(!showUsage)}>
            Usage
          </RowAction>
          <RowAction label={`Details of ${token.name}`} onClick={() => actions.details(token)}>
            Details
          </RowAction>
          <RowAction label={`Regenerate ${token.name}`} onClick={() => actions.regenerate(token)}>
            Regenerate
          </RowAction>
          <RowAction label={`Revoke ${token.name}`} danger onClick={() => actions.revoke(token)}>
            Revoke
          </RowAction>
        </td>
      </tr>
      {showUsage ? (
        <tr class="detail">
          <td colSpan={props.showOwner ? 9 : 8}>
            <TokenUsage
              token={token}
              onEditLimits={actions.editLimits ? () => actions.editLimits?.(token) : undefined}
            />
          </td>
        </tr>
      ) : null}
    </>
  );
}

/** How often the list's counts are refreshed while someone is on the page. */
const REFRESH_EVERY_MS = 30_000;

/** The regeneration's question: how long the current secret keeps working beside the new one. */
function GraceChoice(props: { onChange: (seconds: number) => void }) {
  return (
    <Field label="Keep the current secret working">
      {(id) => (
        <select id={id} onChange={(event) => props.onChange(Number(event.currentTarget.value))}>
          {GRACE_CHOICES.map(([seconds, label]) => (
            <option key={seconds} value={String(seconds)}>
              {label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

/**
 * Details in a form dialog; regenerate and revoke, each after an "are you sure?". Focus then goes to the new secret,
 * or to the list's heading (`listHeading`): the revoked token's row, and the button that opened the dialog, are about
 * to go.
 */
function tokenActions(
  dialog: PageDialog,
  isAdmin: boolean,
  onRegenerated: (created: CreatedApiToken) => void,
  onChanged: () => void,
  listHeading: () => HTMLElement | null,
): TokenActions {
  const path = (token: ApiTokenView) => `/tokens/${segment(token.id)}`;
  const saved = () => {
    dialog.close();
    onChanged();
  };
  return {
    details: (token) =>
      dialog.show(`Details of “${token.name}”`, () => (
        <OwnerDataForm token={token} onSaved={saved} onCancel={dialog.close} />
      )),
    editLimits: isAdmin
      ? (token) =>
          dialog.show(`Limits of “${token.name}”`, () => (
            <QuotaForm token={token} onSaved={saved} onCancel={dialog.close} />
          ))
      : undefined,
    regenerate: (token) => {
      // Fixed when the dialog opens (use-dialog.tsx), so the choice lives here rather than in state.
      const choice = { graceSeconds: 0 };
      dialog.confirm({
        title: `Regenerate “${token.name}”?`,
        confirmLabel: 'Regenerate',
        body: (
          <>
            <p>A new secret replaces the current one, which stops working at once unless you keep it a while.</p>
            <GraceChoice onChange={(seconds) => (choice.graceSeconds = seconds)} />
          </>
        ),
        onConfirm: async () => {
          const body = choice.graceSeconds === 0 ? {} : { graceSeconds: choice.graceSeconds };
          onRegenerated(await api.post<CreatedApiToken>(`${path(token)}/regenerate`, body));
        },
      });
    },
    revoke: (token) =>
      dialog.confirm({
        title: `Revoke “${token.name}”?`,
        confirmLabel: 'Revoke',
        danger: true,
        focusAfter: listHeading,
        body: <p>Anything using this token loses access at once. This cannot be undone.</p>,
        onConfirm: async () => {
          await api.delete(path(token));
          onChanged();
        },
      }),
  };
}

export function TokensPage(props: { session: SessionView }) {
  const [all, setAll] = useState(false);
  const tokens = useLoad(() => api.get<{ tokens: ApiTokenView[] }>(all ? '/tokens?all=true' : '/tokens'), [all]);
  const apis = useLoad(() => api.get<{ apis: ApiView[] }>('/apis'));
  // A form the person was filling in when their session expired opens again as they left it.
  const [draft, setDraft] = useState(() => tokenDraftFrom(takeDraft(TOKEN_DRAFT, props.session.user.id)));
  const [creating, setCreating] = useState(draft !== undefined);
  const [created, setCreated] = useState<CreatedApiToken | null>(null);
  const dialog = useDialog();
  const addButton = useFocusTarget<HTMLButtonElement>();
  const listHeading = useRef<HTMLHeadingElement>(null);
  useReloadWhilePresent(tokens.reload, REFRESH_EVERY_MS);

  const showSecret = (value: CreatedApiToken) => {
    setCreating(false);
    setDraft(undefined);
    dialog.close();
    setCreated(value);
    tokens.reload();
  };
  const closeForm = () => {
    setCreating(false);
    setDraft(undefined);
    addButton.focusSoon();
  };
  const closeSecret = () => {
    setCreated(null);
    addButton.focusSoon();
  };
  const actions = tokenActions(
    dialog,
    props.session.user.isAdmin,
    showSecret,
    tokens.reload,
    () => listHeading.current,
  );

  return (
    <>
      {created ? <TokenSecret created={created} session={props.session} onDone={closeSecret} /> : null}
      {creating && apis.data ? (
        <TokenForm
          session={props.session}
          apis={apis.data.apis}
          draft={draft}
          onCreated={showSecret}
          onCancel={closeForm}
        />
      ) : (
        <div class="toolbar">
          <button
            ref={addButton.ref}
            type="button"
            class="primary"
            onClick={() => setCreating(true)}
            disabled={!apis.data}
          >
            + API token
          </button>
          {props.session.user.isAdmin ? (
            <CheckboxField label="Show every owner's tokens" checked={all} onChange={setAll} />
          ) : null}
        </div>
      )}
      <h2 id="token-list-title" ref={listHeading} tabIndex={-1}>
        {all ? 'Every owner’s tokens' : 'Your tokens'}
      </h2>
      <Loaded state={{ data: tokens.data, error: tokens.error ?? apis.error }} what="tokens">
        {(data) =>
          data.tokens.length === 0 ? (
            <p class="empty">No API tokens yet. Create one to call an API from a script or a service.</p>
          ) : (
            <Table
              labelledBy="token-list-title"
              columns={['Name', all && 'Owner', 'APIs', 'Scopes', 'Created', 'Expires', 'Last used', 'Requests']}
              actions
            >
              {data.tokens.map((token) => (
                <TokenRow key={token.id} token={token} showOwner={all} actions={actions} />
              ))}
            </Table>
          )
        }
      </Loaded>
      {dialog.element}
    </>
  );
}
