/**
 * The only way a webhook delivery reaches the network: an undici connector that judges every address it would connect
 * to by the webhook address policy (core's webhooks/address-policy.ts) at connect time. Checking the URL when it was
 * saved is not enough: a name that resolved to a public address then may resolve to 169.254.169.254 now (DNS
 * rebinding), so each resolved address is filtered before the socket is opened, an IP literal host (which Node
 * connects to without a lookup) is judged as it is, and the socket's peer is checked once more after connecting.
 */
import dns, { type LookupAddress } from 'node:dns';
import type { LookupFunction, Socket } from 'node:net';
import { refusedWebhookAddress, type WebhookAddressPolicy } from '@tollgate/core';
import { buildConnector } from 'undici';
import { WebhookAddressRefused } from './webhook-address-refused.js';

/** What a name resolves to, every address of it (`family` 0 for both). Tests inject their own. */
export type AddressResolver = (hostname: string, family: 0 | 4 | 6) => Promise<LookupAddress[]>;

const systemResolver: AddressResolver = (hostname, family) =>
  new Promise((resolve, reject) =>
    dns.lookup(hostname, { all: true, family }, (error, addresses) => (error ? reject(error) : resolve(addresses))),
  );

function familyOf(family: number | string | undefined): 0 | 4 | 6 {
  return family === 4 || family === 'IPv4' ? 4 : family === 6 || family === 'IPv6' ? 6 : 0;
}

/**
 * A `lookup` for net/tls.connect that keeps only the addresses the policy allows (so a name with both a public and a
 * private address connects to the public one) and fails with the first refusal when none is left.
 */
export function guardedLookup(policy: WebhookAddressPolicy, resolve: AddressResolver = systemResolver): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, familyOf(options.family)).then(
      (addresses) => {
        const allowed = addresses.filter((entry) => refusedWebhookAddress(entry.address, policy) === undefined);
        const [first] = allowed;
        if (first === undefined) {
          const refused = addresses.map((entry) => refusedWebhookAddress(entry.address, policy)).find(Boolean);
          callback(new WebhookAddressRefused(refused ?? `${hostname} resolved to no address`), '', 0);
        } else if (options.all) callback(null, allowed);
        else callback(null, first.address, first.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, '', 0),
    );
  };
}

export type GuardedConnector = buildConnector.connector;

/** undici's own connector, with the lookup above, an IP-literal check before it and a peer check after it. */
export function guardedConnector(
  policy: WebhookAddressPolicy,
  resolve?: AddressResolver,
  options: { timeoutMs?: number } = {},
): GuardedConnector {
  const connect = buildConnector({
    lookup: guardedLookup(policy, resolve),
    ...(options.timeoutMs === undefined ? {} : { timeout: options.timeoutMs }),
  });
  return (target, callback) => {
    // undici hands IPv6 literals over without their brackets; Node skips the lookup for any literal.
    const literalRefusal = refusedWebhookAddress(target.hostname, policy);
    if (literalRefusal !== undefined) {
      callback(new WebhookAddressRefused(literalRefusal), null);
      return;
    }
    connect(target, (error, socket) => {
      if (error !== null) return callback(error, null);
      const peerRefusal = peerRefusalOf(socket, policy);
      if (peerRefusal === undefined) return callback(null, socket);
      socket.destroy();
      callback(new WebhookAddressRefused(peerRefusal), null);
    });
  };
}

/** Belt and braces: whatever path the connection took, its peer must be an allowed address too. */
function peerRefusalOf(socket: Socket, policy: WebhookAddressPolicy): string | undefined {
  const peer = socket.remoteAddress;
  if (peer === undefined) return 'the connection has no peer address to check';
  return refusedWebhookAddress(peer, policy);
}
