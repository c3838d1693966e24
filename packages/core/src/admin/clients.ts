import { type Clock, epochSeconds } from '../clock.js';
import { hashSecret, randomId, randomToken } from '../crypto/index.js';
import { InvalidRequest, NotFound } from '../errors.js';
import type { ClientInput, CreatedClient } from '../service.js';
import type { ApiStore, ClientRecord, ClientStore, GrantType } from '../storage.js';
import { checkName, checkScopes } from './validate.js';

export type PublicClient = Omit<ClientRecord, 'secretHash'>;

const GRANT_TYPES: readonly GrantType[] = ['client_credentials', 'password', 'refresh_token'];
/** Client secrets carry a prefix so secret scanners recognise a leaked one. */
export const CLIENT_SECRET_PREFIX = 'tgs_';

export function publicClient({ secretHash: _hash, ...client }: ClientRecord): PublicClient {
  return client;
}

export class ClientAdmin {
  readonly #clients: ClientStore;
  readonly #apis: ApiStore;
  readonly #clock: Clock;

  constructor(clients: ClientStore, apis: ApiStore, clock: Clock) {
    this.#clients = clients;
    this.#apis = apis;
    this.#clock = clock;
  }

  async add(input: ClientInput): Promise<CreatedClient> {
    const grantTypes = checkGrantTypes(input.grantTypes ?? ['client_credentials']);
    const apis = input.apis === undefined || input.apis === null ? null : await this.#checkApis(input.apis);
    const secret = CLIENT_SECRET_PREFIX + randomToken(32);
    const record: ClientRecord = {
      id: randomId('cl_'),
      name: checkName(input.name, 'client name', 200),
      secretHash: await hashSecret(secret),
      scopes: checkScopes(input.scopes),
      apis,
      grantTypes,
      createdAt: epochSeconds(this.#clock),
    };
    await this.#clients.add(record);
    const { id, name, scopes } = record;
    return { clientId: id, clientSecret: secret, name, scopes, apis, grantTypes };
  }

  async list(): Promise<PublicClient[]> {
    return (await this.#clients.list()).map(publicClient);
  }

  async remove(clientId: string): Promise<void> {
    if (!(await this.#clients.remove(clientId))) throw new NotFound(`No client with id ${clientId}`);
  }

  async #checkApis(identifiers: readonly string[]): Promise<string[]> {
    const unique = [...new Set(identifiers)];
    for (const identifier of unique) {
      if (!(await this.#apis.get(identifier))) throw new InvalidRequest(`apis: ${identifier} is not a registered API`);
    }
    return unique;
  }
}

function checkGrantTypes(values: readonly string[]): GrantType[] {
  const grants: GrantType[] = [];
  for (const value of values) {
    const grant = GRANT_TYPES.find((known) => known === value);
    if (!grant) throw new InvalidRequest(`grant types: "${value}" is not one of ${GRANT_TYPES.join(', ')}`);
    if (!grants.includes(grant)) grants.push(grant);
  }
  if (grants.length === 0) throw new InvalidRequest('grant types: name at least one');
  return grants;
}
