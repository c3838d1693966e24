/**
 * The one line the benchmark ends with: the ratios issue 12 sets targets for, from the sections that ran
 * (a section that did not run, or skipped a row, shows "—"). Each is Tollgate ÷ its reference in the same run.
 */
import type { Algorithm } from './issuers.js';
import { formatRatio } from './peer-table.js';

export interface SummaryRatios {
  /** client_credentials CPU per token ÷ oidc-provider's (target ≤ 0.5x). */
  tokenCpu: Partial<Record<Algorithm, number>>;
  /** The token bound's CPU (node:http + raw signature, nothing looked up) ÷ oidc-provider's: the least reachable. */
  tokenBoundCpu?: Partial<Record<Algorithm, number>>;
  /** Introspection CPU per call ÷ oidc-provider's opaque-token introspection (target ≤ 0.5x). */
  introspectionCpu?: number;
  /** Tollgate's client_credentials CPU per token on PostgreSQL ÷ on SQLite, EdDSA (target ≤ 1.25x). */
  postgresTokenCpu?: number;
  /** Gateway req/s, JWT checked and access log on, ÷ the bare node:http + undici proxy's (target ≥ 0.9x). */
  gatewayRateVsBareProxy?: number;
  /**
   * The same two rows' CPU per request, bare proxy ÷ gateway: the req/s ratio they would reach if each saturated its
   * core. The req/s ratio reads higher whenever the load generator, not the proxy, sets the pace.
   */
  gatewayRateFromCpuVsBareProxy?: number;
  /** Gateway CPU per request, every request verifying, ÷ HAProxy jwt_verify's (target ≤ 1.2x for ES256). */
  gatewayCpuVsHaproxy: Partial<Record<'ES256' | 'RS256', number>>;
  /**
   * (The cheaper of the two bare proxies, undici or node:http client, + raw crypto.verify) CPU ÷ HAProxy's: the
   * lowest ratio a Node gateway can reach.
   */
  gatewayBoundVsHaproxy?: Partial<Record<'ES256' | 'RS256', number>>;
  /** JSON login CPU (whole process) ÷ one raw argon2id verification's. */
  loginVsRawArgon2?: number;
  /** JSON login CPU ÷ the bound's: a bare node:http server verifying the same hash on a worker (target ≤ 1.1x). */
  loginVsBound?: number;
  /** `tollgate start` to first 200 ÷ oidc-provider's (target: under 500 ms). */
  startupVsOidcProvider?: number;
  /** Idle server RSS ÷ oidc-provider's (target: under 80 MiB). */
  idleRssVsOidcProvider?: number;
}

export function emptySummary(): SummaryRatios {
  return { tokenCpu: {}, gatewayCpuVsHaproxy: {} };
}

export function summaryLine(ratios: SummaryRatios): string {
  const byAlgorithm = (values: Partial<Record<Algorithm, number>> | undefined) =>
    (['EdDSA', 'ES256', 'RS256'] as const)
      .map((algorithm) => `${algorithm} ${formatRatio(values?.[algorithm])}`)
      .join(' ');
  const haproxy = (['ES256', 'RS256'] as const)
    .map((algorithm) => `${algorithm} ${formatRatio(ratios.gatewayCpuVsHaproxy[algorithm])}`)
    .join(' ');
  const bound = (['ES256', 'RS256'] as const)
    .map((algorithm) => `${algorithm} ${formatRatio(ratios.gatewayBoundVsHaproxy?.[algorithm])}`)
    .join(' ');
  return [
    `Summary, Tollgate ÷ reference: client_credentials CPU/token vs oidc-provider ${byAlgorithm(ratios.tokenCpu)}`,
    `token bound (node:http + raw signature) vs oidc-provider ${byAlgorithm(ratios.tokenBoundCpu)}`,
    `introspection CPU vs oidc-provider ${formatRatio(ratios.introspectionCpu)}`,
    `client_credentials CPU/token on PostgreSQL vs SQLite ${formatRatio(ratios.postgresTokenCpu)}`,
    `gateway req/s vs bare node:http + undici proxy (access log on) ${formatRatio(ratios.gatewayRateVsBareProxy)}` +
      ` (from CPU/request ${formatRatio(ratios.gatewayRateFromCpuVsBareProxy)})`,
    `gateway CPU/req vs HAProxy ${haproxy}`,
    `bound (cheaper bare proxy + raw verify) vs HAProxy ${bound}`,
    `JSON login CPU vs raw argon2id ${formatRatio(ratios.loginVsRawArgon2)}`,
    `JSON login CPU vs bound (node:http + argon2id worker) ${formatRatio(ratios.loginVsBound)}`,
    `start-up to first 200 vs oidc-provider ${formatRatio(ratios.startupVsOidcProvider)}`,
    `idle RSS vs oidc-provider ${formatRatio(ratios.idleRssVsOidcProvider)}`,
  ].join(' · ');
}
