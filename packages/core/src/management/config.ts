/** Defaults and bounds of `TollgateConfig.management`; checked once when the core opens. */
import { DASHBOARD_SIGN_IN_METHODS, type ManagementConfig } from './contract.js';

const DAY_SECONDS = 86_400;

export const DEFAULT_MANAGEMENT_CONFIG: ManagementConfig = Object.freeze({
  apiTokenDefaultTtlSeconds: 90 * DAY_SECONDS,
  allowNeverExpiringApiTokens: false,
  dashboardSignIn: 'password',
  sessionTtlSeconds: 8 * 3600,
  sessionIdleTimeoutSeconds: 30 * 60,
});

/** Bounds of a chosen API-token lifetime: long enough to be worth a token, short enough to be reviewed. */
export const MIN_API_TOKEN_TTL_SECONDS = 3600;
export const MAX_API_TOKEN_TTL_SECONDS = 5 * 365 * DAY_SECONDS;

export function resolveManagementConfig(partial: Partial<ManagementConfig> = {}): ManagementConfig {
  const config = { ...DEFAULT_MANAGEMENT_CONFIG, ...dropUndefined(partial) };
  seconds(config.apiTokenDefaultTtlSeconds, 'apiTokenDefaultTtlSeconds', MIN_API_TOKEN_TTL_SECONDS);
  if (config.apiTokenDefaultTtlSeconds > MAX_API_TOKEN_TTL_SECONDS) {
    throw new TypeError(`management.apiTokenDefaultTtlSeconds must be at most ${MAX_API_TOKEN_TTL_SECONDS}`);
  }
  if (!DASHBOARD_SIGN_IN_METHODS.includes(config.dashboardSignIn)) {
    throw new TypeError(`management.dashboardSignIn must be one of ${DASHBOARD_SIGN_IN_METHODS.join(', ')}`);
  }
  seconds(config.sessionTtlSeconds, 'sessionTtlSeconds', 60);
  seconds(config.sessionIdleTimeoutSeconds, 'sessionIdleTimeoutSeconds', 60);
  return Object.freeze(config);
}

function seconds(value: number, field: string, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new TypeError(`management.${field} must be a whole number of seconds, at least ${min}`);
  }
}

function dropUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as Partial<T>;
}
