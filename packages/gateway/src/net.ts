/**
 * What the gateway knows about a connection: whether it is TLS, who its peer is (worked out once per
 * connection) and whether a plain-HTTP request on it is refused. The rules themselves are
 * @tollgate/transport's, the same the server applies.
 */
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import {
  type ProxyTrust,
  callerAddress,
  isLoopbackAddress,
  judgeTransport,
  unmappedAddress,
} from '@tollgate/transport';

export function isEncrypted(req: IncomingMessage): boolean {
  return (req.socket as TLSSocket).encrypted === true;
}

export interface Peer {
  /** IPv4-mapped IPv6 unmapped. */
  address: string | undefined;
  loopback: boolean;
  trusted: boolean;
}

/** What the connection's far end is: worked out once per connection, not once per request. */
const peers = new WeakMap<Socket, Peer>();

export function peerOf(isTrustedProxy: ProxyTrust, socket: Socket): Peer {
  let peer = peers.get(socket);
  if (peer === undefined) {
    const address = unmappedAddress(socket.remoteAddress);
    peer = { address, loopback: isLoopbackAddress(address), trusted: isTrustedProxy(address) };
    peers.set(socket, peer);
  }
  return peer;
}

/** Why a plain-HTTP request is refused (see judgeTransport); undefined when it is not. */
export function refuseInsecure(isTrustedProxy: ProxyTrust, req: IncomingMessage, peer: Peer): string | undefined {
  if (isEncrypted(req) || (peer.loopback && !peer.trusted)) return undefined;
  // Node joins repeated X-Forwarded-For headers into one string.
  const forwardedFor = req.headers['x-forwarded-for'] as string | undefined;
  const verdict = judgeTransport(
    {
      encrypted: false,
      peerAddress: peer.address,
      clientAddress: callerAddress(peer.address, peer.trusted, forwardedFor),
      forwardedProto: req.headers['x-forwarded-proto'],
    },
    isTrustedProxy,
  );
  return verdict.allowed ? undefined : verdict.reason;
}
