/**
 * Child program: the baseline of the gateway benchmark, a bare reverse proxy with no auth at all. It does
 * the least a correct proxy must: one keep-alive connection pool to the upstream, hop-by-hop headers
 * dropped (RFC 9110 7.6.1), bodies piped both ways.
 *
 * Usage: node bare-proxy.js <upstream origin>
 */
import { Agent, createServer, type IncomingHttpHeaders, request } from 'node:http';
import { serveOnLoopback } from './children.js';

const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade'];

const upstream = new URL(process.argv[2] ?? '');
const agent = new Agent({ keepAlive: true, maxSockets: 256 });

function withoutHopByHop(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const copy = { ...headers };
  for (const name of HOP_BY_HOP) delete copy[name];
  return copy;
}

const server = createServer((req, res) => {
  const headers = withoutHopByHop(req.headers);
  headers.host = upstream.host;
  const forwarded = request(
    { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers, agent },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, withoutHopByHop(answer.headers));
      answer.pipe(res);
    },
  );
  forwarded.on('error', () => {
    if (!res.headersSent) res.writeHead(502);
    res.end();
  });
  req.pipe(forwarded);
});
serveOnLoopback(server, () => agent.destroy());
