export {
  type ProxyTrust,
  callerAddress,
  hostForUrl,
  isAddressOrCidr,
  isLoopbackAddress,
  isLoopbackHost,
  trustedProxies,
  unmappedAddress,
} from './addresses.js';
export { HSTS, type TransportFacts, type TransportVerdict, judgeTransport } from './https-only.js';
export { type ListenAddress, type MetricsListener, type Scrape, startMetricsListener } from './metrics-listener.js';
export { type AddressClass, type AddressKind, classifyAddress } from './special-addresses.js';
export { jsonMembers, jsonString, lineEnd, lineStart } from './log-line.js';
export { sinkFor } from './log-sinks.js';
export { type BlockSink, BoundedLogStream, type LogStreamOptions } from './log-stream.js';
