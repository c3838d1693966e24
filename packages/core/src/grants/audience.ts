/** Which API a token is for: RFC 8707 resource indicators, or the default API when none is named. */
import type { ActingClient } from '../clients/authenticate.js';
import { InvalidTarget } from '../errors.js';
import type { ApiRecord, ApiStore } from '../storage/index.js';

/** RFC 8707 2: a resource is an absolute URI without a fragment. */
export function isResourceIdentifier(value: string): boolean {
  if (value.length > 2048 || value.includes('#')) return false;
  try {
    return new URL(value).protocol.length > 1;
  } catch {
    return false;
  }
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
