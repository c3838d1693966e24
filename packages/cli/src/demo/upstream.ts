/**
 * The demo's sample API: an ordinary service with no auth of its own, the kind the gateway is for. It
 * listens on loopback only (anything else could reach it around the gateway) and reads who is calling
 * from the identity headers the gateway sets.
 *
 *   GET  /data             some JSON, and the caller as the gateway described it
 *   POST /validate/email   {"email": "..."} → {"email": "...", "valid": true|false}
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const MAX_BODY_BYTES = 16 * 1024;
/** Practical, not RFC 5321 complete: one @, no spaces, a dot in the domain, sane lengths. */
const EMAIL = /^[^\s@]{1,64}@[^\s@.]+(\.[^\s@.]+)+$/;

export interface SampleApi {
  url: string;
  close(): Promise<void>;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  // The final newline keeps the shell prompt off the body's line after a `curl -i`.
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

function header(req: IncomingMessage, name: string): string | null {
  const value = req.headers[name];
  return typeof value === 'string' ? value : null;
}

function sendData(req: IncomingMessage, res: ServerResponse): void {
  sendJson(res, 200, {
    message: 'Hello from the sample API. You got here through the Tollgate gateway.',
    // Set by the gateway from the verified token; a client cannot send its own (the gateway strips them).
    caller: {
      subject: header(req, 'x-tollgate-subject'),
      client: header(req, 'x-tollgate-client'),
      scopes: header(req, 'x-tollgate-scopes'),
    },
    items: [
      { id: 1, name: 'toll booth', lanes: 4 },
      { id: 2, name: 'drawbridge', lanes: 2 },
    ],
  });
}

function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        resolve(undefined);
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

async function validateEmail(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const text = await readBody(req);
  if (text === undefined) return sendJson(res, 413, { error: 'the body is too large' });
  let email: unknown;
  try {
    email = (JSON.parse(text) as { email?: unknown } | null)?.email;
  } catch {
    email = undefined;
  }
  if (typeof email !== 'string') return sendJson(res, 400, { error: 'send a JSON object such as {"email": "..."}' });
  sendJson(res, 200, { email, valid: email.length <= 254 && EMAIL.test(email) });
}

function handle(req: IncomingMessage, res: ServerResponse): void {
  const path = (req.url ?? '/').split('?')[0];
  if (path === '/data' && req.method === 'GET') {
    sendData(req, res);
  } else if (path === '/validate/email' && req.method === 'POST') {
    validateEmail(req, res).catch(() => {
      if (!res.headersSent) sendJson(res, 500, { error: 'server error' });
      else res.destroy();
    });
  } else {
    sendJson(res, 404, { error: 'not found' });
  }
}

/** Port 0 picks a free one. */
export function startSampleApi(port: number): Promise<SampleApi> {
  const server: Server = createServer(handle);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port }, () => {
      server.off('error', reject);
      const { port: bound } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${bound}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
