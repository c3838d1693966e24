/**
 * An upstream on a bare node:net server, for what node:http would not do: it reads its connections as
 * HTTP/1.1 for as long as they stay open, answering every request head in turn, even after an upgrade
 * request or its own 101 (RFC 9110 7.8 lets a server ignore Upgrade; plenty of servers do). So every
 * byte a gateway lets through after a handshake shows up here as a further request. Request bodies are
 * not expected and not parsed.
 */
import { type AddressInfo, type Server, type Socket, createServer } from 'node:net';

/** The answer (raw bytes) to the nth request head on a connection (0 first), or undefined to stay silent. */
export type RawAnswer = (head: RawRequest, index: number) => string | undefined;

export interface RawRequest {
  requestLine: string;
  /** Lower-cased names; repeated headers joined with `, `. */
  headers: Record<string, string>;
}

export interface RawUpstream {
  url: string;
  /** Every line that looks like an HTTP request line, from any connection, in order of arrival. */
  requestLines: string[];
  /** Resolves once no connection to this upstream is open (after at least one was). */
  allClosed(): Promise<void>;
  close(): Promise<void>;
}

const REQUEST_LINE = /[A-Z]+ \S+ HTTP\/\d\.\d$/;

export async function startRawUpstream(answer: RawAnswer): Promise<RawUpstream> {
  const requestLines: string[] = [];
  const open = new Set<Socket>();
  let waiters: Array<() => void> = [];
  const server: Server = createServer((socket) => {
    open.add(socket);
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      open.delete(socket);
      if (open.size > 0) return;
      for (const wake of waiters) wake();
      waiters = [];
    });
    serve(socket, answer, requestLines);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requestLines,
    allClosed: () => new Promise<void>((resolve) => (open.size === 0 ? resolve() : waiters.push(resolve))),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function serve(socket: Socket, answer: RawAnswer, requestLines: string[]): void {
  let pending = '';
  let index = 0;
  socket.on('data', (chunk: Buffer) => {
    pending += chunk.toString('latin1');
    for (let end = pending.indexOf('\r\n\r\n'); end !== -1; end = pending.indexOf('\r\n\r\n')) {
      const lines = pending.slice(0, end).split('\r\n');
      pending = pending.slice(end + 4);
      for (const line of lines) if (REQUEST_LINE.test(line)) requestLines.push(line);
      const reply = answer(parseHead(lines), index);
      index += 1;
      if (reply !== undefined) socket.write(reply);
    }
  });
}

function parseHead(lines: string[]): RawRequest {
  const [requestLine = '', ...fields] = lines;
  const headers: Record<string, string> = {};
  for (const field of fields) {
    const colon = field.indexOf(':');
    const name = field.slice(0, colon).trim().toLowerCase();
    const value = field.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  return { requestLine, headers };
}
