/**
 * Which addresses a webhook may connect to, so that an admin (or a script holding tollgate:webhooks:write) cannot
 * turn the delivery worker into a probe of the server's own network (server-side request forgery, OWASP SSRF
 * prevention cheat sheet). The same rule judges an IP literal when a URL is saved (url.ts) and every resolved
 * address when the server connects (its sender), so a name that resolves elsewhere later (DNS rebinding) is caught.
 */
import { BlockList, isIP } from 'node:net';
import { classifyAddress, isLoopbackHost } from '@tollgate/transport';

export interface WebhookAddressPolicy {
  /** RFC 1918, carrier-grade NAT (100.64.0.0/10) and unique local IPv6: for deployments whose receivers are internal. */
  allowPrivateNetworks: boolean;
  /** This machine (127.0.0.0/8, ::1). */
  allowLoopback: boolean;
}

/**
 * Loopback follows the private-networks switch, except on a local server (a loopback issuer: development and
 * tests), where a receiver on 127.0.0.1 is the usual thing and nothing else can reach the server anyway. A server
 * merely listening on 127.0.0.1 behind a proxy on the same host is a production one, and its loopback holds the
 * most tempting targets (databases, caches, admin listeners), so its host does not count, its issuer does.
 */
export function webhookAddressPolicy(issuer: string, allowPrivateNetworks = false): WebhookAddressPolicy {
  return { allowPrivateNetworks, allowLoopback: allowPrivateNetworks || isLoopbackHost(new URL(issuer).hostname) };
}

const WHY_NEVER: Readonly<Record<string, string>> = {
  'link-local': 'link-local, where cloud metadata services answer',
  unspecified: 'unspecified ("this host")',
  multicast: 'multicast',
  broadcast: 'the broadcast address',
  reserved: 'reserved for special use',
};

/**
 * Cloud metadata services outside link-local, refused even where private networks are allowed: AWS's IPv6 endpoint
 * (in fc00::/7) and Alibaba Cloud's (in 100.64.0.0/10). Compared after unmapping, as the classifier judges them.
 */
const METADATA_SERVICES = new BlockList();
METADATA_SERVICES.addAddress('fd00:ec2::254', 'ipv6');
METADATA_SERVICES.addAddress('100.100.100.200', 'ipv4');

function isMetadataService(address: string): boolean {
  const family = isIP(address);
  // BlockList matches IPv4 rules against IPv4-mapped IPv6 addresses too.
  return family !== 0 && METADATA_SERVICES.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** Why `address` (an IP, no brackets) is refused, as shown to admins; undefined when it may be connected to. */
export function refusedWebhookAddress(address: string, policy: WebhookAddressPolicy): string | undefined {
  const found = classifyAddress(address);
  if (found === undefined || found.kind === 'public') return undefined;
  const refused = `the address ${address} is not allowed for webhooks`;
  if (isMetadataService(address)) return `${refused}: it is a cloud metadata service`;
  if (found.kind === 'private') {
    if (policy.allowPrivateNetworks) return undefined;
    return `${refused}: it is in a private network (${found.range}); an operator may allow private networks (webhooks.allowPrivateNetworks)`;
  }
  if (found.kind === 'loopback') {
    if (policy.allowLoopback) return undefined;
    return `${refused}: it is this machine (${found.range}), allowed only on a server with a loopback issuer or with webhooks.allowPrivateNetworks`;
  }
  return `${refused}: it is ${WHY_NEVER[found.kind] ?? found.kind} (${found.range})`;
}
