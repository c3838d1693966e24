/**
 * Runs a gateway in its own process, so a test can measure that process's memory alone. The config
 * object comes as JSON in TEST_GATEWAY_CONFIG; the URL is printed as `listening <url>`.
 *
 * Started with --expose-gc and an IPC channel, it samples live memory (after a full collection, so
 * garbage that V8 has not yet reclaimed does not count) and answers the message `peak` with the highest
 * `arrayBuffers + heapUsed` seen since the previous `peak`, in bytes.
 */
import { parseGatewayConfig, startGateway } from '../../src/index.js';

const SAMPLE_INTERVAL_MS = 10;

const config = parseGatewayConfig(JSON.parse(process.env.TEST_GATEWAY_CONFIG ?? '{}'));
const gateway = await startGateway(config);
process.stdout.write(`listening ${gateway.url}\n`);

const collect = (globalThis as { gc?: () => void }).gc;
if (collect !== undefined && process.send !== undefined) {
  let peak = 0;
  const sampler = setInterval(() => {
    collect();
    const usage = process.memoryUsage();
    peak = Math.max(peak, usage.arrayBuffers + usage.heapUsed);
  }, SAMPLE_INTERVAL_MS);
  sampler.unref();
  process.on('message', (message) => {
    if (message !== 'peak') return;
    process.send?.({ peak });
    peak = 0;
  });
}
process.once('SIGTERM', () => {
  gateway.close().then(() => process.exit(0));
});
