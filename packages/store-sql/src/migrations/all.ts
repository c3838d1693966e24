/**
 * Every migration, by name: the code behind MIGRATION_NAMES (index.ts), loaded only when a database has one to
 * apply or a caller asks for the migrations themselves.
 */
import type { Migration } from 'kysely';
import * as initial from './001_initial.js';
import * as apiTokensAndDashboard from './002_api_tokens_and_dashboard.js';
import * as revocationEpoch from './003_revocation_epoch.js';
import * as signingKeyActivation from './004_signing_key_activation.js';
import * as authorizationCodes from './005_authorization_codes.js';
import * as apiTokenGraceAndMetadata from './006_api_token_grace_and_metadata.js';
import * as dpopBinding from './007_dpop_binding.js';
import * as apiTokenCredits from './008_api_token_credits.js';
import * as webhooks from './009_webhooks.js';

export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '001_initial': initial,
  '002_api_tokens_and_dashboard': apiTokensAndDashboard,
  '003_revocation_epoch': revocationEpoch,
  '004_signing_key_activation': signingKeyActivation,
  '005_authorization_codes': authorizationCodes,
  '006_api_token_grace_and_metadata': apiTokenGraceAndMetadata,
  '007_dpop_binding': dpopBinding,
  '008_api_token_credits': apiTokenCredits,
  '009_webhooks': webhooks,
};
