/**
 * Audit action names: dotted and stable, since admins filter and alert on them (docs/admin-api.md lists them).
 * The `*.list` names only ever appear with outcome `failure`: a non-admin probing an admin read.
 */
export const AUDIT_ACTIONS = Object.freeze({
  signIn: 'session.sign_in',
  signOut: 'session.sign_out',
  authorizationSignIn: 'authorization.sign_in',
  apiTokenCreate: 'api_token.create',
  apiTokenRegenerate: 'api_token.regenerate',
  apiTokenUpdate: 'api_token.update',
  apiTokenRevoke: 'api_token.revoke',
  apiTokenListAll: 'api_token.list',
  apiCreate: 'api.create',
  apiUpdate: 'api.update',
  apiDelete: 'api.delete',
  apiUsage: 'api.usage',
  clientList: 'client.list',
  clientCreate: 'client.create',
  clientUpdate: 'client.update',
  clientRotateSecret: 'client.rotate_secret',
  clientDelete: 'client.delete',
  userList: 'user.list',
  userCreate: 'user.create',
  userUpdate: 'user.update',
  userDisable: 'user.disable',
  userEnable: 'user.enable',
  userPasswordReset: 'user.password_reset',
  userDelete: 'user.delete',
  keyList: 'key.list',
  keyRotate: 'key.rotate',
  keyRetire: 'key.retire',
  auditList: 'audit.list',
  webhookList: 'webhook.list',
  webhookCreate: 'webhook.create',
  webhookUpdate: 'webhook.update',
  webhookDelete: 'webhook.delete',
  webhookTest: 'webhook.test',
  /** A consumed refresh token presented again: its family was revoked (always outcome `failure`). */
  refreshTokenReuse: 'refresh_token.reuse_detected',
  /** A redeemed authorization code presented again: what it issued was revoked (always outcome `failure`). */
  authorizationCodeReuse: 'authorization_code.reuse_detected',
  /** An account or an address crossed the brute-force guard's block threshold (always outcome `failure`). */
  bruteForceLockout: 'brute_force.lockout',
  /** A bearer token without the scope an admin API operation needs (always outcome `failure`). */
  adminScopeDenied: 'admin_api.insufficient_scope',
});

export type AuditAction = (typeof AUDIT_ACTIONS)[keyof typeof AUDIT_ACTIONS];
