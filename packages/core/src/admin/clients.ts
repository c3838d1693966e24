import { type Clock, epochSeconds } from '../clock.js';
import { hashSecret, randomId, randomToken } from '../crypto/index.js';
import { InvalidRequest, NotFound } from '../errors.js';
import type { ClientInput, CreatedClient } from '../service.js';
import type { ApiStore, ClientRecord, ClientStore, GrantType } from '../storage/index.js';
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
    const secret = newClientSecret();
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

  /** Changes name, scopes or APIs; tokens already issued keep what they were issued with until they expire. */
  async update(
    clientId: string,
    changes: { name?: string; scopes?: string[]; apis?: string[] | null },
  ): Promise<PublicClient> {
    const checked: Partial<Pick<ClientRecord, 'name' | 'scopes' | 'apis'>> = {};
    if (changes.name !== undefined) checked.name = checkName(changes.name, 'client name', 200);
    if (changes.scopes !== undefined) checked.scopes = checkScopes(changes.scopes);
    if (changes.apis !== undefined) checked.apis = changes.apis === null ? null : await this.#checkApis(changes.apis);
    const updated = await this.#clients.update(clientId, checked);
    if (!updated) throw new NotFound(`No client with id ${clientId}`);
    return publicClient(updated);
  }

  /** A new secret, shown once; the old one stops working at once (its hash is replaced). */
  async rotateSecret(clientId: string): Promise<{ client: PublicClient; clientSecret: string }> {
    const secret = newClientSecret();
    const updated = await this.#clients.update(clientId, { secretHash: await hashSecret(secret) });
    if (!updated) throw new NotFound(`No client with id ${clientId}`);
    return { client: publicClient(updated), clientSecret: secret };
  }

  async get(clientId: string): Promise<PublicClient | undefined> {
    const client = await this.#clients.get(clientId);
    return client && publicClient(client);
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

function newClientSecret(): string {
  return CLIENT_SECRET_PREFIX + randomToken(32);
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
