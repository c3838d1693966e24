/** Admin: the audit log, newest first, with filters and "Load more" paging on the `before` cursor. */
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api/client.js';
import type { AuditEventView } from '../api/types.js';
import { Badge, Loaded } from '../components/feedback.js';
import { Field, TextField } from '../components/fields.js';
import { Table } from '../components/table.js';
import { useAction } from '../components/use-action.js';
import { formatTime } from '../format.js';

const PAGE_SIZE = 50;
const ACTIONS = [
  'session.sign_in',
  'session.sign_out',
  'authorization.sign_in',
  'api_token.create',
  'api_token.regenerate',
  'api_token.revoke',
  'api.create',
  'api.update',
  'api.delete',
  'client.create',
  'client.update',
  'client.rotate_secret',
  'client.delete',
  'user.create',
  'user.update',
  'user.disable',
  'user.enable',
  'user.password_reset',
  'user.delete',
  'key.rotate',
];

interface Filters {
  action: string;
  actor: string;
  outcome: string;
  since: string;
  until: string;
}

const NO_FILTERS: Filters = { action: '', actor: '', outcome: '', since: '', until: '' };

/** Epoch seconds at the start (or end) of a local calendar day from an <input type=date>. */
function dayBoundary(date: string, end: boolean): string | null {
  if (date === '') return null;
  const time = new Date(`${date}T${end ? '23:59:59' : '00:00:00'}`).getTime();
  return Number.isNaN(time) ? null : String(Math.floor(time / 1000));
}

function query(filters: Filters, before: number | null): string {
  const params = new URLSearchParams({ limit: String(PAGE_SIZE) });
  if (filters.action) params.set('action', filters.action);
  if (filters.actor.trim()) params.set('actor', filters.actor.trim());
  if (filters.outcome) params.set('outcome', filters.outcome);
  const since = dayBoundary(filters.since, false);
  const until = dayBoundary(filters.until, true);
  if (since) params.set('since', since);
  if (until) params.set('until', until);
  if (before !== null) params.set('before', String(before));
  return params.toString();
}

function Select(props: { label: string; value: string; options: string[]; onChange: (value: string) => void }) {
  return (
    <Field label={props.label}>
      {(id) => (
        <select id={id} value={props.value} onChange={(event) => props.onChange(event.currentTarget.value)}>
          <option value="">Any</option>
          {props.options.map((option) => (
            <option key={option} value={option}>
              {option}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

type Page = { events: AuditEventView[]; nextBefore: number | null };

export function AuditPage() {
  const [draft, setDraft] = useState<Filters>(NO_FILTERS);
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [page, setPage] = useState<Page | undefined>(undefined);
  const set = (changes: Partial<Filters>) => setDraft({ ...draft, ...changes });

  const load = useAction(async (before: number | null, previous: AuditEventView[]) => {
    const next = await api.get<Page>(`/audit?${query(filters, before)}`);
    setPage({ events: [...previous, ...next.events], nextBefore: next.nextBefore });
  });
  useEffect(() => {
    setPage(undefined);
    void load.run(null, []);
  }, [filters]);

  return (
    <>
      <form
        class="filters"
        aria-label="Filter the audit log"
        onSubmit={(event) => {
          event.preventDefault();
          setFilters(draft);
        }}
      >
        <Select label="Action" value={draft.action} options={ACTIONS} onChange={(action) => set({ action })} />
        <TextField label="Actor" value={draft.actor} onInput={(actor) => set({ actor })} />
        <Select
          label="Outcome"
          value={draft.outcome}
          options={['success', 'failure']}
          onChange={(outcome) => set({ outcome })}
        />
        <TextField label="From" type="date" value={draft.since} onInput={(since) => set({ since })} />
        <TextField label="To" type="date" value={draft.until} onInput={(until) => set({ until })} />
        <button type="submit" class="primary">
          Apply filters
        </button>
      </form>
      <Loaded state={{ data: page, error: load.error }} what="the audit log">
        {(data) =>
          data.events.length === 0 ? (
            <p class="empty">No events match.</p>
          ) : (
            <Table label="Audit events" columns={['Time', 'Actor', 'Action', 'Target', 'Address', 'Outcome']}>
              {data.events.map((event) => (
                <tr key={event.id}>
                  <td data-label="Time">{formatTime(event.at)}</td>
                  <td data-label="Actor">{event.actorName}</td>
                  <td class="mono" data-label="Action">
                    {event.action}
                  </td>
                  <td class="mono" data-label="Target">
                    {event.target ?? '—'}
                  </td>
                  <td class="mono" data-label="Address">
                    {event.address ?? '—'}
                  </td>
                  <td data-label="Outcome">
                    {event.outcome === 'success' ? <Badge tone="ok">success</Badge> : <Badge tone="bad">failure</Badge>}
                  </td>
                </tr>
              ))}
            </Table>
          )
        }
      </Loaded>
      {page?.nextBefore != null ? (
        <div class="toolbar">
          <button
            type="button"
            class="secondary"
            disabled={load.busy}
            onClick={() => load.run(page.nextBefore, page.events)}
          >
            Load more
          </button>
        </div>
      ) : null}
    </>
  );
}
