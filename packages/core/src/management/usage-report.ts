/**
 * Usage reports: verifiers (the SDK, the gateway) report how often they accepted each API token. Reports
 * are checked whole before anything is written, then folded into one row per (secret, API, UTC day) and recorded
 * in a single transaction. Uses of a revoked or regenerated secret are skipped by the store.
 */
import { type ApiTokenUsageReport, USAGE_REPORT_LIMITS } from '@tollgate/jwt';
import { InvalidRequest } from '../errors.js';
import type { ApiTokenUsageEntry } from '../storage/index.js';
import { utcDay } from './usage.js';

const MAX_USAGE_REPORTS = USAGE_REPORT_LIMITS.reportsPerRequest;
const MAX_COUNT = USAGE_REPORT_LIMITS.countPerReport;
const MAX_ADDRESS_LENGTH = USAGE_REPORT_LIMITS.addressLength;
const MAX_JTI_LENGTH = USAGE_REPORT_LIMITS.jtiLength;
const MAX_API_LENGTH = USAGE_REPORT_LIMITS.apiLength;
/** A verifier's clock may run a little ahead; a use reported far from now is a bug, not a use. */
const FUTURE_LEEWAY_SECONDS = 300;
const OLDEST_REPORT_SECONDS = 31 * 86_400;

export function checkUsageReports(reports: unknown, now: number): ApiTokenUsageReport[] {
  if (!Array.isArray(reports)) throw new InvalidRequest('reports must be an array');
  if (reports.length > MAX_USAGE_REPORTS) throw new InvalidRequest(`reports: at most ${MAX_USAGE_REPORTS} per request`);
  return reports.map((report: unknown, index) => checkReport(report, index, now));
}

function checkReport(value: unknown, index: number, now: number): ApiTokenUsageReport {
  const at = `reports[${index}]`;
  if (typeof value !== 'object' || value === null) throw new InvalidRequest(`${at} must be an object`);
  const { jti, api, count, lastUsedAt, address } = value as Record<string, unknown>;
  if (typeof jti !== 'string' || jti.length === 0 || jti.length > MAX_JTI_LENGTH) {
    throw new InvalidRequest(`${at}.jti must be a string of 1 to ${MAX_JTI_LENGTH} characters`);
  }
  if (typeof api !== 'string' || api.length === 0 || api.length > MAX_API_LENGTH) {
    throw new InvalidRequest(`${at}.api must be a string of 1 to ${MAX_API_LENGTH} characters`);
  }
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > MAX_COUNT) {
    throw new InvalidRequest(`${at}.count must be a whole number from 1 to ${MAX_COUNT}`);
  }
  if (
    typeof lastUsedAt !== 'number' ||
    !Number.isInteger(lastUsedAt) ||
    lastUsedAt > now + FUTURE_LEEWAY_SECONDS ||
    lastUsedAt < now - OLDEST_REPORT_SECONDS
  ) {
    throw new InvalidRequest(`${at}.lastUsedAt must be epoch seconds within the last 31 days`);
  }
  if (address !== undefined && (typeof address !== 'string' || address.length > MAX_ADDRESS_LENGTH)) {
    throw new InvalidRequest(`${at}.address must be a string of at most ${MAX_ADDRESS_LENGTH} characters`);
  }
  return address === undefined ? { jti, api, count, lastUsedAt } : { jti, api, count, lastUsedAt, address };
}

/** One entry per (jti, api, UTC day of the use): counts summed, the latest use (and its address) kept. */
export function aggregateUsage(reports: readonly ApiTokenUsageReport[]): ApiTokenUsageEntry[] {
  const entries = new Map<string, ApiTokenUsageEntry>();
  for (const report of reports) {
    const day = utcDay(report.lastUsedAt);
    const key = JSON.stringify([report.jti, report.api, day]);
    const address = report.address ?? null;
    const entry = entries.get(key);
    if (!entry) {
      entries.set(key, {
        jti: report.jti,
        api: report.api,
        day,
        count: report.count,
        lastUsedAt: report.lastUsedAt,
        lastUsedAddress: address,
      });
      continue;
    }
    entry.count += report.count;
    if (report.lastUsedAt >= entry.lastUsedAt) {
      entry.lastUsedAt = report.lastUsedAt;
      entry.lastUsedAddress = address ?? entry.lastUsedAddress;
    }
  }
  return [...entries.values()];
}
