/**
 * The credentials files a person downloads right after creating a token: a `.env` for shells and dotenv, and
 * a JSON document for programs. Both are made in the browser from what the server just returned; nothing is
 * sent anywhere. Neither names the token endpoint: an API token is sent as it is (RFC 6750), never exchanged there.
 */
import type { CreatedApiToken } from './api/types.js';

export interface CredentialsContext {
  /** The authorization server's issuer URL (SessionView.issuer). */
  issuer: string;
}

function curlExample(api: string): string {
  return `curl -H "Authorization: Bearer $TOLLGATE_API_TOKEN" ${api}`;
}

function expiry(expiresAt: number | null): string | null {
  return expiresAt === null ? null : new Date(expiresAt * 1000).toISOString();
}

export function envFile(created: CreatedApiToken): string {
  const { token, secret } = created;
  const firstApi = token.apis[0] ?? '';
  return [
    `# Tollgate API token "${token.name}", made ${new Date(token.createdAt * 1000).toISOString()}`,
    `# Expires: ${expiry(token.expiresAt) ?? 'never'}`,
    `# APIs: ${token.apis.join(' ')}`,
    `# Scopes: ${token.scopes.join(' ') || '(none)'}`,
    '# Keep this file secret: anyone with the token can call these APIs.',
    `# Example: ${curlExample(firstApi)}`,
    `TOLLGATE_API_TOKEN=${secret}`,
    `TOLLGATE_API=${firstApi}`,
    '',
  ].join('\n');
}

export function jsonFile(created: CreatedApiToken, context: CredentialsContext): string {
  const { token, secret } = created;
  const document = {
    token: secret,
    issuer: context.issuer,
    apis: token.apis,
    scopes: token.scopes,
    expires_at: expiry(token.expiresAt),
    curl_example: `curl -H "Authorization: Bearer ${secret}" ${token.apis[0] ?? ''}`,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** A file name safe on every OS: `tollgate-<name>.<extension>`. */
export function credentialsFileName(name: string, extension: 'env' | 'json'): string {
  const safe = name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'token';
  return `tollgate-${safe}.${extension}`;
}

/** Saves text as a file through a temporary blob: URL and an <a download>. */
export function downloadText(fileName: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked later, not at once: some browsers start reading the blob only after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
