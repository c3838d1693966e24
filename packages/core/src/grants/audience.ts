/** Which API a token is for: RFC 8707 resource indicators, or the default API when none is named. */
import type { ActingClient } from '../clients/authenticate.js';
import { InvalidTarget } from '../errors.js';
import type { ApiRecord, ApiStore } from '../storage/index.js';

/**
 * Resources already found to be identifiers: a token request names one of a few APIs, and parsing it as a URL at
 * every request was about 1 % of the token endpoint's CPU in a profile. Only a passing verdict is kept (a refusal
 * ends the request anyway), and no more than a bound of them, since a request may name anything.
 */
const KNOWN_IDENTIFIERS = new Set<string>();
const MAX_KNOWN_IDENTIFIERS = 1_000;

/** RFC 8707 2: a resource is an absolute URI without a fragment. */
export function isResourceIdentifier(value: string): boolean {
  if (KNOWN_IDENTIFIERS.has(value)) return true;
  if (value.length > 2048 || value.includes('#')) return false;
  let absolute: boolean;
  try {
    absolute = new URL(value).protocol.length > 1;
  } catch {
    return false;
  }
  if (absolute && KNOWN_IDENTIFIERS.size < MAX_KNOWN_IDENTIFIERS) KNOWN_IDENTIFIERS.add(value);
  return absolute;
}

export async function resolveApi(
  apis: ApiStore,
  resources: readonly string[],
  client: ActingClient,
): Promise<ApiRecord> {
  if (resources.length > 1) {
    throw new InvalidTarget('A token is issued for exactly one API; name a single resource');
  }
  const resource = resources[0];
  let api: ApiRecord | undefined;
  if (resource === undefined) {
    api = await apis.getDefault();
    if (!api) throw new InvalidTarget('No resource was named and no default API is configured');
  } else {
    if (!isResourceIdentifier(resource)) {
      throw new InvalidTarget('The resource must be an absolute URI without a fragment (RFC 8707)');
    }
    api = await apis.get(resource);
    if (!api) throw new InvalidTarget('The resource is not a registered API');
  }
  if (client.apis !== null && !client.apis.includes(api.identifier)) {
    throw new InvalidTarget('This client may not request tokens for that API');
  }
  return api;
}
