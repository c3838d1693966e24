/** The admin API's response shapes, exactly as the server's contract defines them (docs/admin-api.md). */
export type {
  ApiTokenInput,
  ApiTokenView,
  ApiView,
  AuditEventView,
  ClientView,
  CreatedApiToken,
  CreatedClientView,
  KeyView,
  SessionView,
  UsageSeries,
  UserView,
} from '@tollgate/core';
