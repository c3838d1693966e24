/** What every request handler of one gateway shares, built once at start (start.ts). */
import type { AccessLog } from './access-log.js';
import type { Authorizer } from './authorize.js';
import type { ForwardAuthMode } from './config.js';
import type { HeaderPolicy } from './headers.js';
import type { UpstreamPools } from './upstream.js';
import type { ProxyTrust } from '@tollgate/transport';

/** Where forward-auth is served, and which proxy asks there (only that proxy's headers are read). */
export interface ForwardAuthEndpoint {
  path: string;
  mode: ForwardAuthMode;
}

export interface GatewayRuntime extends Authorizer {
  accessLog: AccessLog;
  policy: HeaderPolicy;
  pools: UpstreamPools;
  isTrustedProxy: ProxyTrust;
  /** The forward-auth endpoint and the proxy that asks there, when enabled. */
  forwardAuth: ForwardAuthEndpoint | undefined;
}
