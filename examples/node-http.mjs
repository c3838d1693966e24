// GET /data for tokens with read:data, on plain node:http.
import { createServer } from 'node:http';
import { protect } from '@tollgate/verify/node';
import { announce, closeOnSignal, port, verifier } from './verifier.mjs';

const getData = protect(
  verifier,
  (_req, res, token) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ subject: token.subject, scopes: token.scopes, data: [1, 2, 3] }));
  },
  { scopes: 'read:data' },
);

const server = createServer((req, res) => {
  if (req.method === 'GET' && new URL(req.url, 'http://x').pathname === '/data') return getData(req, res);
  res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not_found"}');
});
server.listen(port, '127.0.0.1', () => announce(server));
closeOnSignal(() => new Promise((resolve) => server.close(resolve)));
