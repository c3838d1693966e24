/** Child program: the benchmark's upstream, a node:http server answering every request with a small JSON. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exitOnSigterm, reportListening } from './children.js';

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
server.listen(0, '127.0.0.1', () => {
  reportListening(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
exitOnSigterm(
  () =>
    new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
);
