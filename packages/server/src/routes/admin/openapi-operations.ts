/**
 * The operations of /api/v1, one entry each, as docs/admin-api.md lists them. The OpenAPI document is built from
 * this table; request bodies are the zod schemas the routes validate with.
 */
import { apiBody, apiChangesBody } from './apis.js';
import { clientBody, clientChangesBody } from './clients.js';
import { keyRotationBody } from './keys.js';
import type { Operation, QueryParameter } from './openapi-operation.js';
import { integer, string } from './openapi-schemas.js';
import { signInBody } from './session.js';
import { regenerateBody, tokenBody, tokenChangesBody } from './tokens.js';
import { passwordBody, userBody, userChangesBody } from './users.js';
import { WEBHOOK_OPERATIONS } from './openapi-webhooks.js';

export type { Operation, QueryParameter, Who } from './openapi-operation.js';

const days: QueryParameter = { name: 'days', schema: integer(), description: 'Window in days, 1..366 (default 30)' };
const epoch = (name: string, description: string): QueryParameter => ({ name, schema: integer(), description });

export const OPERATIONS: readonly Operation[] = [
  {
    method: 'post',
    path: '/session',
    summary: 'Sign in',
    who: 'anyone',
    body: signInBody,
    answer: [200, 'SessionView'],
    extraErrors: [401, 429],
  },
  { method: 'get', path: '/session', summary: 'The current session', who: 'signed in', answer: [200, 'SessionView'] },
  { method: 'delete', path: '/session', summary: 'Sign out', who: 'signed in', answer: [204] },
  {
    method: 'get',
    path: '/tokens',
    summary: 'List API tokens',
    who: 'signed in',
    answer: [200, 'TokenList'],
    query: [{ name: 'all', schema: { type: 'boolean' }, description: "Admins: everyone's tokens" }],
  },
  {
    method: 'post',
    path: '/tokens',
    summary: 'Create an API token',
    who: 'signed in',
    body: tokenBody,
    answer: [201, 'CreatedApiToken'],
  },
  {
    method: 'get',
    path: '/tokens/{id}',
    summary: 'One API token',
    who: 'owner or admin',
    answer: [200, 'ApiTokenView'],
  },
  {
    method: 'patch',
    path: '/tokens/{id}',
    summary: "Change an API token's metadata or external id",
    who: 'owner or admin',
    body: tokenChangesBody,
    answer: [200, 'ApiTokenView'],
  },
  {
    method: 'post',
    path: '/tokens/{id}/regenerate',
    summary: 'Replace the secret, the old one working on for graceSeconds if given',
    who: 'owner or admin',
    body: regenerateBody,
    answer: [200, 'CreatedApiToken'],
  },
  { method: 'delete', path: '/tokens/{id}', summary: 'Revoke an API token', who: 'owner or admin', answer: [204] },
  {
    method: 'get',
    path: '/tokens/{id}/usage',
    summary: 'Requests per day',
    who: 'owner or admin',
    query: [days],
    answer: [200, 'UsageSeries'],
  },
  { method: 'get', path: '/apis', summary: 'List APIs', who: 'signed in', answer: [200, 'ApiList'] },
  {
    method: 'post',
    path: '/apis',
    summary: 'Register an API',
    who: 'admin',
    body: apiBody,
    answer: [201, 'ApiView'],
    extraErrors: [409],
  },
  {
    method: 'patch',
    path: '/apis/{identifier}',
    summary: 'Change an API',
    who: 'admin',
    body: apiChangesBody,
    answer: [200, 'ApiView'],
  },
  { method: 'delete', path: '/apis/{identifier}', summary: 'Remove an API', who: 'admin', answer: [204] },
  {
    method: 'get',
    path: '/usage/apis',
    summary: 'API-token requests per API and day',
    who: 'admin',
    query: [days],
    answer: [200, 'UsageSeriesList'],
  },
  { method: 'get', path: '/clients', summary: 'List clients', who: 'admin', answer: [200, 'ClientList'] },
  {
    method: 'post',
    path: '/clients',
    summary: 'Add a client',
    who: 'admin',
    body: clientBody,
    answer: [201, 'CreatedClientView'],
  },
  {
    method: 'patch',
    path: '/clients/{id}',
    summary: 'Change a client',
    who: 'admin',
    body: clientChangesBody,
    answer: [200, 'ClientView'],
  },
  {
    method: 'post',
    path: '/clients/{id}/rotate-secret',
    summary: 'New client secret',
    who: 'admin',
    answer: [200, 'CreatedClientView'],
  },
  { method: 'delete', path: '/clients/{id}', summary: 'Remove a client', who: 'admin', answer: [204] },
  { method: 'get', path: '/users', summary: 'List users', who: 'admin', answer: [200, 'UserList'] },
  {
    method: 'post',
    path: '/users',
    summary: 'Add a user',
    who: 'admin',
    body: userBody,
    answer: [201, 'UserView'],
    extraErrors: [409],
  },
  {
    method: 'patch',
    path: '/users/{id}',
    summary: 'Change a user',
    who: 'admin',
    body: userChangesBody,
    answer: [200, 'UserView'],
  },
  {
    method: 'post',
    path: '/users/{id}/password',
    summary: "Reset a user's password",
    who: 'admin',
    body: passwordBody,
    answer: [204],
  },
  { method: 'delete', path: '/users/{id}', summary: 'Remove a user', who: 'admin', answer: [204] },
  { method: 'get', path: '/keys', summary: 'List signing keys', who: 'admin', answer: [200, 'KeyList'] },
  {
    method: 'post',
    path: '/keys/rotate',
    summary: 'Rotate the signing key (published now, signing after the propagation delay; now: true at once)',
    who: 'admin',
    body: keyRotationBody,
    answer: [201, 'KeyView'],
  },
  {
    method: 'post',
    path: '/keys/{kid}/retire',
    summary: 'Withdraw a compromised signing key at once; a new key signs if it was signing',
    who: 'admin',
    answer: [200, 'KeyView'],
  },
  {
    method: 'get',
    path: '/audit',
    summary: 'The audit log, newest first',
    who: 'admin',
    answer: [200, 'AuditPage'],
    query: [
      { name: 'action', schema: string(), description: 'Exact action, such as api_token.create' },
      { name: 'actor', schema: string(), description: 'Exact actor name' },
      { name: 'target', schema: string(), description: 'Exact target' },
      { name: 'outcome', schema: { type: 'string', enum: ['success', 'failure'] }, description: 'Outcome' },
      epoch('since', 'Epoch seconds, inclusive'),
      epoch('until', 'Epoch seconds, inclusive'),
      epoch('before', 'Cursor: nextBefore of the previous page'),
      { name: 'limit', schema: integer(), description: '1..500 (default 100)' },
    ],
  },
  ...WEBHOOK_OPERATIONS,
  { method: 'get', path: '/openapi.json', summary: 'This document', who: 'anyone', answer: [200] },
];
