/**
 * Responses the gateway writes itself: refusals (as an HTTP response, or as raw bytes on a socket that
 * asked for an upgrade) and the generic 5xx bodies. Nothing here names an upstream address, port or
 * error code: those stay in the log.
 */
import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { type Refusal, jsonRefusal } from './authorize.js';

export const BAD_GATEWAY = jsonRefusal(502, 'bad_gateway', 'the upstream service could not be reached');
export const GATEWAY_TIMEOUT = jsonRefusal(504, 'gateway_timeout', 'the upstream service did not answer in time');
export const SERVER_ERROR = jsonRefusal(500, 'server_error', 'the gateway failed to handle the request');

export function sendRefusal(res: ServerResponse, refusal: Refusal, extraHeaders?: Record<string, string>): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = refusal.body === null ? '' : JSON.stringify(refusal.body);
  const headers: Record<string, string | number> = {
    ...extraHeaders,
    ...refusal.headers,
    'Cache-Control': 'no-store',
    'Content-Length': Buffer.byteLength(body),
  };
  if (body !== '') headers['Content-Type'] = 'application/json';
  res.writeHead(refusal.status, headers);
  res.end(body);
}

/** An upgrade request has no ServerResponse: the refusal is written to the socket, which is then closed. */
export function writeRefusalToSocket(socket: Duplex, refusal: Refusal): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = refusal.body === null ? '' : JSON.stringify(refusal.body);
  const lines = [`HTTP/1.1 ${refusal.status} ${STATUS_CODES[refusal.status] ?? 'Error'}`];
  for (const [name, value] of Object.entries(refusal.headers)) lines.push(`${name}: ${value}`);
  if (body !== '') lines.push('Content-Type: application/json');
  lines.push('Cache-Control: no-store', `Content-Length: ${Buffer.byteLength(body)}`, 'Connection: close');
  closeAfterAnswer(socket, `${lines.join('\r\n')}\r\n\r\n${body}`);
}

/** How long a connection that was answered and half-closed may keep sending before it is cut. */
const LINGER_MS = 5_000;

/**
 * Ends an upgrade connection after its answer, never to be read as HTTP again. Like nginx's lingering
 * close: destroying a socket with unread input sends a RST, which can discard the answer before the
 * client reads it; so the FIN goes first, and what the client still sends is read and dropped until it
 * closes too, for at most LINGER_MS.
 */
export function closeAfterAnswer(socket: Duplex, lastChunk?: string): void {
  socket.end(lastChunk);
  const timer = setTimeout(() => socket.destroy(), LINGER_MS);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
  socket.once('end', () => socket.destroy());
  socket.on('data', () => {});
}
