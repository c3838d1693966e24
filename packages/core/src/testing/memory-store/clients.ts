import { Conflict } from '../../errors.js';
import type { ClientRecord, ClientStore } from '../../storage/index.js';
import { compareText, copyOf } from './records.js';

type ClientChanges = Partial<Pick<ClientRecord, 'name' | 'secretHash' | 'scopes' | 'apis' | 'dpop'>>;

export class MemoryClientStore implements ClientStore {
  readonly #clients = new Map<string, ClientRecord>();

  async add(client: ClientRecord): Promise<void> {
    if (this.#clients.has(client.id)) throw new Conflict(`A client with id ${client.id} already exists`);
    this.#clients.set(client.id, copyOf(client));
  }

  async get(id: string): Promise<ClientRecord | undefined> {
    const client = this.#clients.get(id);
    return client && copyOf(client);
  }

  async list(): Promise<ClientRecord[]> {
    return [...this.#clients.values()].sort((a, b) => compareText(a.id, b.id)).map(copyOf);
  }

  async remove(id: string): Promise<boolean> {
    return this.#clients.delete(id);
  }

  /** `apis: null` is a change too ("every API"), so only `undefined` means "leave as is". */
  async update(id: string, changes: ClientChanges): Promise<ClientRecord | undefined> {
    const client = this.#clients.get(id);
    if (client === undefined) return undefined;
    if (changes.name !== undefined) client.name = changes.name;
    if (changes.secretHash !== undefined) client.secretHash = changes.secretHash;
    if (changes.scopes !== undefined) client.scopes = [...changes.scopes];
    if (changes.apis !== undefined) client.apis = changes.apis === null ? null : [...changes.apis];
    if (changes.dpop !== undefined) client.dpop = changes.dpop;
    return copyOf(client);
  }
}
