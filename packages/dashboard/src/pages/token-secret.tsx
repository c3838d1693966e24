/** The new (or regenerated) token's secret, with Copy and the two credentials downloads. */
import type { CreatedApiToken, SessionView } from '../api/types.js';
import { SecretPanel } from '../components/secret-panel.js';
import { credentialsFileName, downloadText, envFile, jsonFile } from '../credentials.js';
import { formatDate, formatList } from '../format.js';

export function TokenSecret(props: { created: CreatedApiToken; session: SessionView; onDone: () => void }) {
  const { created } = props;
  const context = { issuer: props.session.issuer };
  const downloadEnv = () =>
    downloadText(credentialsFileName(created.token.name, 'env'), envFile(created), 'text/plain');
  const downloadJson = () =>
    downloadText(credentialsFileName(created.token.name, 'json'), jsonFile(created, context), 'application/json');
  return (
    <SecretPanel
      title={`Your API token “${created.token.name}”`}
      secret={created.secret}
      onDone={props.onDone}
      details={
        <p class="muted">
          For {formatList(created.token.apis)}; scopes {formatList(created.token.scopes, '(none)')}; expires{' '}
          {formatDate(created.token.expiresAt)}.
        </p>
      }
    >
      <fieldset class="group">
        <legend class="visually-hidden">Download credentials</legend>
        <button type="button" class="secondary" onClick={downloadEnv}>
          Download .env
        </button>
        <button type="button" class="secondary" onClick={downloadJson}>
          Download JSON
        </button>
      </fieldset>
    </SecretPanel>
  );
}
