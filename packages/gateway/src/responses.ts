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
  socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`);
}
