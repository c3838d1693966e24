/** Child program: the benchmark's upstream, a node:http server answering every request with a small JSON. */
import { createServer } from 'node:http';
import { serveOnLoopback } from './children.js';

const BODY = `${JSON.stringify({
  items: [
    { id: 1, name: 'toll booth', lanes: 4 },
    { id: 2, name: 'drawbridge', lanes: 2 },
  ],
})}\n`;
const LENGTH = String(Buffer.byteLength(BODY));

const server = createServer((req, res) => {
  // Drain whatever body came, then answer.
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': LENGTH });
    res.end(BODY);
  });
});
serveOnLoopback(server);
