/**
 * The form of a webhook endpoint, for adding one and for editing one: its URL and its event filter. What the server
 * refuses (a URL that is not https, an address webhooks may not reach, an unknown event) is shown beside the field
 * it is about, and focus goes to that field, so the person fixes it where they are.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api/client.js';
import { ActionForm } from '../components/action-form.js';
import { CheckboxGroup, TextField } from '../components/fields.js';

export interface WebhookEndpointValues {
  url: string;
  events: string[];
}

type FieldName = keyof WebhookEndpointValues;
type FieldErrors = Partial<Record<FieldName, string>>;

/**
 * The field a refusal is about. The admin API's 400 descriptions start with the field's name ("url must use https",
 * "url: the address ... is not allowed", "events[0] must be ..."): packages/server/src/http/admin-input.ts and the
 * core's webhooks/url.ts. Anything else stays the form's own error.
 */
function fieldOf(error: unknown): FieldName | undefined {
  if (!(error instanceof ApiError) || error.status !== 400) return undefined;
  const name = /^(url|events)\b/.exec(error.message)?.[1];
  return name === 'url' || name === 'events' ? name : undefined;
}

export function WebhookEndpointForm(props: {
  /** The events an endpoint may select, as the server lists them. */
  events: readonly string[];
  initial: WebhookEndpointValues;
  submitLabel: string;
  /** Sends the values; a 400 about one field is shown beside it, anything else under the form. */
  onSubmit: (values: WebhookEndpointValues) => Promise<void>;
  onCancel: () => void;
}) {
  const [url, setUrl] = useState(props.initial.url);
  const [events, setEvents] = useState<string[]>(props.initial.events);
  const [errors, setErrors] = useState<FieldErrors>({});
  const fields = useRef<HTMLDivElement>(null);

  // A new object each time something is refused, so the same refusal twice still brings focus back to the field.
  useEffect(() => {
    fields.current?.querySelector<HTMLInputElement>('.field-invalid input')?.focus();
  }, [errors]);

  const save = async () => {
    setErrors({});
    if (events.length === 0) return setErrors({ events: 'Choose at least one event.' });
    try {
      await props.onSubmit({ url: url.trim(), events });
    } catch (error) {
      const field = fieldOf(error);
      if (field === undefined) throw error;
      setErrors({ [field]: (error as ApiError).message });
    }
  };
  return (
    <ActionForm submitLabel={props.submitLabel} onSubmit={save} onCancel={props.onCancel}>
      <div class="fields" ref={fields}>
        <TextField
          label="URL"
          type="url"
          value={url}
          onInput={setUrl}
          hint="https (plain http only on 127.0.0.1 or localhost)"
          maxLength={2048}
          required
          autoFocus
          error={errors.url}
        />
        <CheckboxGroup
          legend="Events"
          options={props.events}
          selected={events}
          onChange={setEvents}
          error={errors.events}
        />
      </div>
    </ActionForm>
  );
}

/** What an edit changed, for PATCH /webhooks/{id}: only the fields that differ (so the audit says what changed). */
export function webhookChanges(
  before: WebhookEndpointValues,
  after: WebhookEndpointValues,
): Partial<WebhookEndpointValues> {
  const changes: Partial<WebhookEndpointValues> = {};
  if (after.url !== before.url) changes.url = after.url;
  const sameEvents =
    after.events.length === before.events.length && after.events.every((e) => before.events.includes(e));
  if (!sameEvents) changes.events = after.events;
  return changes;
}
