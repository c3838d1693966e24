/** What every request handler of one gateway shares, built once at start (start.ts). */
import type { Authorizer } from './authorize.js';
import type { ForwardAuthEndpoint } from './forward-auth.js';
import type { HeaderPolicy } from './headers.js';
import type { UpstreamPools } from './upstream.js';
import type { ProxyTrust } from '@tollgate/transport';

export interface GatewayRuntime extends Authorizer {
  policy: HeaderPolicy;
  pools: UpstreamPools;
  isTrustedProxy: ProxyTrust;
  /** The forward-auth endpoint and the proxy that asks there, when enabled. */
  forwardAuth: ForwardAuthEndpoint | undefined;
}
