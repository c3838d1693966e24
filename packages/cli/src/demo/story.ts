/**
 * The text `tollgate demo` prints: where everything runs, then the story as curl commands ready to paste,
 * each step with the status (and the RFC 6750 challenge) it should produce. The challenges are rendered by
 * the SDK's own BearerError, so the text cannot drift from what the gateway actually answers.
 *
 * Format contract (tests/demo.test.ts follows it): a step starts with `# <n>. `, says `Expect <status>`
 * when it has one, may show `#      WWW-Authenticate: <value>`, and its command follows, continued with ` \`.
 */
import { type AcceptedSchemes, BearerError } from '@tollgate/verify';
import { DEMO_API, DEMO_API_SCOPES, DEMO_USERNAME, DEMO_USER_SCOPES, GATEWAY_CLIENT_NAME } from './seed.js';

export interface DemoRoute {
  method: string;
  path: string;
  scope: string;
}

export const DEMO_ROUTES: readonly DemoRoute[] = [
  { method: 'GET', path: '/data', scope: 'read:data' },
  { method: 'POST', path: '/validate/email', scope: 'validate:email' },
];

export interface StoryFacts {
  serverUrl: string;
  gatewayUrl: string;
  upstreamUrl: string;
  dataDir: string;
  password: string;
  /** When the demo API is not the default, the login must name it (RFC 8707 `resource`). */
  apiIsDefault: boolean;
  created: readonly string[];
  /** What the DPoP act printed (dpop.ts), shown before the curl steps. */
  dpop: readonly string[];
}

/** JSON in single quotes for the shell: the values are ours and contain no `'`. */
function loginBody(facts: StoryFacts): string {
  const body: Record<string, string> = { username: DEMO_USERNAME, password: facts.password };
  if (!facts.apiIsDefault) body.resource = DEMO_API;
  return JSON.stringify(body).replace(/","/g, '", "').replace(/":"/g, '": "');
}

function overview(facts: StoryFacts): string[] {
  const lacking = DEMO_API_SCOPES.filter((scope) => !DEMO_USER_SCOPES.includes(scope));
  const routeWidth = Math.max(...DEMO_ROUTES.map((route) => route.method.length + 1 + route.path.length));
  return [
    'Tollgate demo: the authorization server, a sample API, and the gateway in front of it.',
    '',
    `  Authorization server  ${facts.serverUrl}    data in ${facts.dataDir}`,
    `  Gateway               ${facts.gatewayUrl}    in front of the sample API at ${facts.upstreamUrl}`,
    `  API                   ${DEMO_API}    scopes: ${DEMO_API_SCOPES.join(' ')}`,
    ...DEMO_ROUTES.map(
      (route) =>
        `                          ${`${route.method} ${route.path}`.padEnd(routeWidth)}  needs ${route.scope}`,
    ),
    `  User                  ${DEMO_USERNAME}    password: ${facts.password}    scopes: ${DEMO_USER_SCOPES.join(' ')} (not ${lacking.join(' ')})`,
    '',
    facts.created.length > 0
      ? `Created ${facts.created.join(', ')}.`
      : `Reusing the API, the user ${DEMO_USERNAME} and the client ${GATEWAY_CLIENT_NAME} from an earlier run.`,
  ];
}

/** The gateway's routes take Bearer and DPoP (RFC 9449 7.2): a 401 challenges both, as the gateway does. */
const GATEWAY_SCHEMES: AcceptedSchemes = { bearer: true, dpopAlgorithms: ['ES256', 'EdDSA'] };

function steps(facts: StoryFacts): string[] {
  const realm = DEMO_API;
  const bearer = '-H "Authorization: Bearer $TOKEN"';
  const data = `${facts.gatewayUrl}/data`;
  return [
    'Try it from another terminal, one step at a time:',
    '',
    '# 1. Sign in with the JSON login and keep the access token in $TOKEN.',
    `TOKEN=$(curl -s ${facts.serverUrl}/token -H 'content-type: application/json' \\`,
    `  -d '${loginBody(facts)}' | sed -E 's/.*"access_token":"([^"]+)".*/\\1/')`,
    '',
    '# 2. Call the API through the gateway with the token. Expect 200 and the data.',
    `curl -i ${data} ${bearer}`,
    '',
    '# 3. Call it without a token. Expect 401, with a challenge that says what to send:',
    `#      WWW-Authenticate: ${BearerError.missing().withScheme(GATEWAY_SCHEMES).challenge(realm)}`,
    `curl -i ${data}`,
    '',
    `# 4. Call a route that needs a scope ${DEMO_USERNAME} was not given. Expect 403:`,
    `#      WWW-Authenticate: ${BearerError.insufficientScope(['validate:email'], 'all').challenge(realm)}`,
    `curl -i ${facts.gatewayUrl}/validate/email ${bearer} \\`,
    `  -H 'content-type: application/json' -d '{"email": "ada@example.com"}'`,
    '',
    '# 5. Revoke the token (RFC 7009; the login client needs no secret). Expect 200.',
    `curl -i ${facts.serverUrl}/revoke -d "token=$TOKEN"`,
    '',
    '# 6. Call /data with it again: the gateway heard of the revocation within a second. Expect 401:',
    `#      WWW-Authenticate: ${BearerError.revoked().withScheme(GATEWAY_SCHEMES).challenge(realm)}`,
    `curl -i ${data} ${bearer}`,
  ];
}

export function demoStory(facts: StoryFacts): string {
  return [...overview(facts), '', ...facts.dpop, '', ...steps(facts), '', 'Ctrl-C stops all three.', ''].join('\n');
}
