/** Create or edit an OAuth client: name, scopes, the APIs it may reach (none chosen: any) and grant types. */
import { useState } from 'preact/hooks';
import { api, messageOf, segment } from '../api/client.js';
import type { ClientView, CreatedClientView } from '../api/types.js';
import { ErrorMessage } from '../components/feedback.js';
import { Actions, CheckboxGroup, TextField } from '../components/fields.js';
import { parseScopes } from '../format.js';

type GrantType = ClientView['grantTypes'][number];
const GRANT_TYPES: GrantType[] = ['client_credentials', 'password', 'refresh_token'];

export function ClientForm(props: {
  initial?: ClientView;
  apiIdentifiers: readonly string[];
  onCreated: (created: CreatedClientView) => void;
  onSaved: () => void;
  onCancel: () => void;
}) {
  const { initial } = props;
  const [name, setName] = useState(initial?.name ?? '');
  const [scopes, setScopes] = useState(initial?.scopes.join(' ') ?? '');
  const [apis, setApis] = useState<string[]>(initial?.apis ?? []);
  const [grantTypes, setGrantTypes] = useState<string[]>(initial?.grantTypes ?? ['client_credentials']);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: Event) => {
    event.preventDefault();
    setError(null);
    const common = { name: name.trim(), scopes: parseScopes(scopes), apis: apis.length === 0 ? null : apis };
    try {
      if (initial) {
        await api.patch(`/clients/${segment(initial.id)}`, common);
        props.onSaved();
      } else {
        if (grantTypes.length === 0) return setError('Choose at least one grant type.');
        props.onCreated(await api.post<CreatedClientView>('/clients', { ...common, grantTypes }));
      }
    } catch (caught) {
      setError(messageOf(caught));
    }
  };

  return (
    <form class="form" onSubmit={submit}>
      <TextField label="Name" value={name} onInput={setName} required />
      <TextField label="Scopes" value={scopes} onInput={setScopes} hint="Separated by spaces." />
      <CheckboxGroup
        legend="APIs (none chosen: any API)"
        options={props.apiIdentifiers}
        selected={apis}
        onChange={setApis}
      />
      {initial ? null : (
        <CheckboxGroup legend="Grant types" options={GRANT_TYPES} selected={grantTypes} onChange={setGrantTypes} />
      )}
      <ErrorMessage message={error} />
      <Actions>
        <button type="button" class="secondary" onClick={props.onCancel}>
          Cancel
        </button>
        <button type="submit" class="primary">
          {initial ? 'Save' : 'Create client'}
        </button>
      </Actions>
    </form>
  );
}
