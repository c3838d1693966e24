/**
 * The two halves of the RFC 6455 opening handshake as the gateway judges them: the client's request
 * (4.2.1), checked before any upstream is contacted, and the upstream's answer (4.1), checked before a
 * single byte is tunnelled. Anything but a verified `101` means the upstream is still speaking HTTP on
 * that connection, so bytes piped to it would be read as further, unauthorized HTTP requests.
 */
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { responseHeadersFrom } from './headers.js';

/** RFC 6455 1.3 / 4.2.2: appended to the client's key before hashing. */
const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** RFC 6455 4.1: the base64 encoding of 16 bytes (a repeated header arrives joined with `, `, so never matches). */
const CLIENT_KEY = /^[A-Za-z0-9+/]{22}==$/;

export interface ClientHandshakeProblem {
  description: string;
  /** RFC 6455 4.4: a refused version names the one the gateway speaks. */
  headers: Record<string, string>;
}

/** Why the client's opening handshake is not one RFC 6455 4.2.1 allows; undefined when it is. */
export function clientHandshakeProblem(req: IncomingMessage, hasBody: boolean): ClientHandshakeProblem | undefined {
  const problem = (description: string, headers: Record<string, string> = {}) => ({ description, headers });
  if ((req.headers.upgrade ?? '').toLowerCase() !== 'websocket') {
    return problem('only WebSocket upgrades are supported');
  }
  if (req.method !== 'GET') return problem('a WebSocket handshake must be a GET request');
  // A body would be read as WebSocket frames by an upstream that switches: nothing may ride along.
  if (hasBody) return problem('a WebSocket handshake must not have a body');
  if (!CLIENT_KEY.test(req.headers['sec-websocket-key'] ?? '')) {
    return problem('Sec-WebSocket-Key must be the base64 encoding of 16 bytes');
  }
  if (req.headers['sec-websocket-version'] !== '13') {
    return problem('Sec-WebSocket-Version must be 13', { 'Sec-WebSocket-Version': '13' });
  }
  return undefined;
}

/** RFC 6455 4.2.2 item 5.4: base64(SHA-1(key + GUID)). SHA-1 here is a fixed protocol check, not security. */
export function acceptFor(clientKey: string): string {
  return createHash('sha1').update(`${clientKey}${WEBSOCKET_GUID}`, 'latin1').digest('base64');
}

/**
 * Why the upstream's `101` does not complete the handshake for `clientKey` (RFC 6455 4.1, the client's
 * checks 1-4), as an error code for the access log; undefined when it does.
 */
export function switchingProblem(headers: IncomingHttpHeaders, clientKey: string): string | undefined {
  if ((headers.upgrade ?? '').toLowerCase() !== 'websocket') return 'WS_UPGRADE_NOT_WEBSOCKET';
  const connection = (headers.connection ?? '').split(',').map((token) => token.trim().toLowerCase());
  if (!connection.includes('upgrade')) return 'WS_CONNECTION_NOT_UPGRADE';
  if (headers['sec-websocket-accept'] !== acceptFor(clientKey)) return 'WS_ACCEPT_MISMATCH';
  return undefined;
}

/**
 * The `101` the client gets: the status and the two switching headers written by the gateway, then the
 * upstream's end-to-end headers (Sec-WebSocket-Accept, -Protocol, -Extensions, cookies...). A 1xx has no
 * body, so framing headers are dropped too (RFC 9110 8.6, 6.4.1).
 */
export function switchingHead(upstreamRawHeaders: readonly string[]): string {
  const lines = ['HTTP/1.1 101 Switching Protocols', 'Upgrade: websocket', 'Connection: Upgrade'];
  const headers = responseHeadersFrom(upstreamRawHeaders);
  for (let index = 0; index + 1 < headers.length; index += 2) {
    const name = headers[index] as string;
    if (name.toLowerCase() !== 'content-length') lines.push(`${name}: ${headers[index + 1]}`);
  }
  return `${lines.join('\r\n')}\r\n\r\n`;
}
