/**
 * Create or edit an OAuth client: name, scopes, the APIs it may reach (none chosen: any) and grant types. The
 * form loads the registered APIs itself, so the choice is current whenever it opens.
 */
import { useState } from 'preact/hooks';
import { api, segment } from '../api/client.js';
import type { ApiView, ClientView, CreatedClientView } from '../api/types.js';
import { ActionForm } from '../components/action-form.js';
import { Loading } from '../components/feedback.js';
import { CheckboxField, CheckboxGroup, ScopesField, TextField } from '../components/fields.js';
import { useLoad } from '../components/use-load.js';
import { parseScopes } from '../format.js';

type GrantType = ClientView['grantTypes'][number];
const GRANT_TYPES: GrantType[] = ['client_credentials', 'password', 'refresh_token'];

export function ClientForm(props: {
  initial?: ClientView | undefined;
  onCreated: (created: CreatedClientView) => void;
  onSaved: () => void;
  onCancel: () => void;
}) {
  const { initial } = props;
  const registered = useLoad(() => api.get<{ apis: ApiView[] }>('/apis'));
  const [name, setName] = useState(initial?.name ?? '');
  const [scopes, setScopes] = useState(initial?.scopes.join(' ') ?? '');
  const [apis, setApis] = useState<string[]>(initial?.apis ?? []);
  const [grantTypes, setGrantTypes] = useState<string[]>(initial?.grantTypes ?? ['client_credentials']);
  const [dpopRequired, setDpopRequired] = useState(initial?.dpop === 'required');

  const save = async () => {
    const common = {
      name: name.trim(),
      scopes: parseScopes(scopes),
      apis: apis.length === 0 ? null : apis,
      dpop: dpopRequired ? 'required' : 'allowed',
    };
    if (initial) {
      await api.patch(`/clients/${segment(initial.id)}`, common);
      props.onSaved();
    } else {
      if (grantTypes.length === 0) throw new Error('Choose at least one grant type.');
      props.onCreated(await api.post<CreatedClientView>('/clients', { ...common, grantTypes }));
    }
  };

  return (
    <ActionForm submitLabel={initial ? 'Save' : 'Create client'} onSubmit={save} onCancel={props.onCancel}>
      <TextField label="Name" value={name} onInput={setName} required />
      <ScopesField value={scopes} onInput={setScopes} />
      <CheckboxGroup
        legend="APIs (none chosen: any API)"
        options={registered.data?.apis.map((item) => item.identifier) ?? []}
        selected={apis}
        onChange={setApis}
        empty={registered.data ? undefined : <Loading what="APIs" />}
      />
      {initial ? null : (
        <CheckboxGroup legend="Grant types" options={GRANT_TYPES} selected={grantTypes} onChange={setGrantTypes} />
      )}
      <CheckboxField label="Only DPoP-bound tokens" checked={dpopRequired} onChange={setDpopRequired} />
    </ActionForm>
  );
}
