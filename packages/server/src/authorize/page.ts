/**
 * The hosted sign-in page and the error page of the authorization endpoint, rendered on the server: no script at
 * all (the page works without JavaScript), one inline stylesheet in the dashboard's colours allowed by its hash.
 * A third-party client's page is its consent screen too: it names the API and every scope asked for.
 */
import { createHash } from 'node:crypto';
import type { AuthorizationRequest } from '@tollgate/core';
import { Html, html } from './html.js';

const STYLE = `
:root{--bg:#f6f7f9;--surface:#fff;--text:#1c2330;--muted:#5b6576;--border:#d8dde5;--accent:#2450c8;
--accent-dark:#1a3c99;--danger:#b3261e;--focus:#f0b400;--radius:6px;color-scheme:light;
font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;font-size:15px;
line-height:1.45;color:var(--text);background:var(--bg)}
*{box-sizing:border-box}body{margin:0}
main{display:flex;justify-content:center;padding:12vh 1rem 2rem}
.card{width:min(24rem,100%);background:var(--surface);border:1px solid var(--border);border-radius:var(--radius);
padding:1.5rem}
h1{font-size:1.5rem;margin:0 0 1rem}p{margin:0 0 1rem}.muted{color:var(--muted)}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em;overflow-wrap:anywhere}
label{display:block;font-weight:600;margin:0 0 .25rem}
input[type=text],input[type=password]{display:block;width:100%;padding:.5rem .6rem;margin:0 0 1rem;font:inherit;
border:1px solid var(--border);border-radius:var(--radius)}
.actions{display:flex;gap:.75rem;flex-wrap:wrap}
button{font:inherit;padding:.5rem 1rem;border-radius:var(--radius);border:1px solid var(--accent);
background:var(--accent);color:#fff;cursor:pointer}button:hover{background:var(--accent-dark)}
button.secondary{background:var(--surface);color:var(--accent)}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
.error{color:var(--danger);border:1px solid var(--danger);border-radius:var(--radius);padding:.5rem .75rem}
ul{margin:0 0 1rem;padding-left:1.25rem}
`;

/** CSP 3: the page may use its own inline stylesheet and nothing else; no script, no framing, no <base>. */
export const PAGE_SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-security-policy':
    `default-src 'none'; style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'; ` +
    "frame-ancestors 'none'; base-uri 'none'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  // Not no-referrer: with it Chrome sends `Origin: null` on the form's own POST, which the CSRF check refuses.
  // same-origin still tells no other site (the client's redirect URI included) where the user came from.
  'referrer-policy': 'same-origin',
});

// `&middot;` rather than the character itself: the bundle's chunks are held to ASCII (packages/cli/test/
// loading.test.ts), since one character outside Latin-1 in this template would make V8 hold the server's whole
// chunk as two-byte source, and the bundler leaves a template literal's text as written.
function layout(title: string, body: Html): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${title} &middot; Tollgate</title>
<style>${new Html(STYLE)}</style>
</head>
<body><main><div class="card">${body}</div></main></body>
</html>
`.text;
}

export interface SignInPageOptions {
  csrfToken: string;
  /** Shown above the form: a wrong password, too many attempts. */
  error?: string;
  username?: string;
}

export function signInPage(request: AuthorizationRequest, options: SignInPageOptions): string {
  const { client } = request;
  const heading = client.firstParty ? 'Sign in' : `Allow ${client.name}?`;
  const error = options.error === undefined ? html`` : html`<p class="error" role="alert">${options.error}</p>`;
  return layout(
    heading,
    html`<h1>${heading}</h1>
${client.firstParty ? html`<p class="muted">to continue to ${client.name}</p>` : consent(request)}
${error}
<form method="post" action="/authorize">
${hiddenFields(request, options.csrfToken)}
<label for="username">Username</label>
<input id="username" name="username" type="text" autocomplete="username" required value="${options.username ?? ''}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<div class="actions">
<button type="submit" name="decision" value="allow">${client.firstParty ? 'Sign in' : 'Sign in and allow'}</button>
${client.firstParty ? html`` : html`<button type="submit" name="decision" value="deny" class="secondary" formnovalidate>Deny</button>`}
</div>
</form>`,
  );
}

function consent(request: AuthorizationRequest): Html {
  const scopes =
    request.scopes.length === 0
      ? html`<p>It asks for no particular permission.</p>`
      : html`<p>It asks to:</p><ul>${request.scopes.map((scope) => html`<li><code>${scope}</code></li>`)}</ul>`;
  return html`<p><strong>${request.client.name}</strong> wants to act on your behalf at <code>${request.api.identifier}</code>.</p>
${scopes}
<p class="muted">Sign in to allow it, or deny the request.</p>`;
}

/** The request travels with the form, so the POST checks it again from scratch; nothing is kept between the two. */
function hiddenFields(request: AuthorizationRequest, csrfToken: string): Html[] {
  const fields: Html[] = [];
  for (const [name, value] of request.params) {
    fields.push(html`<input type="hidden" name="${name}" value="${value}">`);
  }
  for (const resource of request.resources) {
    fields.push(html`<input type="hidden" name="resource" value="${resource}">`);
  }
  fields.push(html`<input type="hidden" name="csrf_token" value="${csrfToken}">`);
  return fields;
}

export function errorPage(description: string): string {
  return layout(
    'Request refused',
    html`<h1>This sign-in request cannot be completed</h1>
<p class="error" role="alert">${description}</p>
<p class="muted">Go back to the application and try again. If it keeps happening, tell whoever runs it.</p>`,
  );
}
