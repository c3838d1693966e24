// Serves a fetch-style handler, (Request) => Response, on node:http: enough for the examples (GET only).
import { createServer } from 'node:http';

export function serveFetch(handler, port, onListening) {
  const server = createServer(async (req, res) => {
    const headers = new Headers();
    // rawHeaders keeps repeated headers, so two Authorization headers reach the handler (and are refused there).
    for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i], req.rawHeaders[i + 1]);
    try {
      const response = await handler(
        new Request(`http://${req.headers.host}${req.url}`, { method: req.method, headers }),
      );
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    } catch (error) {
      console.error(error);
      res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"server_error"}');
    }
  });
  return server.listen(port, '127.0.0.1', onListening);
}
