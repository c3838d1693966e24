/**
 * An upstream for gateway tests: answers every request with what it received (method, path, headers as
 * raw pairs, body), and records each request, so a test can tell what reached it and what never did.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  url: string;
  /** Lower-cased header names, every value kept. */
  headers: Record<string, string[]>;
  body: string;
}

export interface RecordingUpstream {
  url: string;
  received: ReceivedRequest[];
  close(): Promise<void>;
}

function headersOf(req: IncomingMessage): Record<string, string[]> {
  const headers: Record<string, string[]> = {};
  for (let index = 0; index + 1 < req.rawHeaders.length; index += 2) {
    const name = (req.rawHeaders[index] as string).toLowerCase();
    const values = headers[name] ?? [];
    values.push(req.rawHeaders[index + 1] as string);
    headers[name] = values;
  }
  return headers;
}

export function startRecordingUpstream(): Promise<RecordingUpstream> {
  const received: ReceivedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const entry: ReceivedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: headersOf(req),
        body: Buffer.concat(chunks).toString('utf8'),
      };
      received.push(entry);
      const text = JSON.stringify(entry);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        received,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
