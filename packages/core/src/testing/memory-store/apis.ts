import { Conflict } from '../../errors.js';
import type { AddApiOptions, ApiRecord, ApiStore } from '../../storage/index.js';
import { compareText, copyOf } from './records.js';

type ApiChanges = Partial<Pick<ApiRecord, 'scopes' | 'tokenTtlSeconds' | 'isDefault' | 'dpop'>>;

/** Each method runs to completion without awaiting, so "at most one default" holds as in one transaction. */
export class MemoryApiStore implements ApiStore {
  readonly #apis = new Map<string, ApiRecord>();

  async add(api: ApiRecord, options: AddApiOptions = {}): Promise<ApiRecord> {
    if (this.#apis.has(api.identifier)) throw new Conflict(`An API with identifier ${api.identifier} already exists`);
    const stored = copyOf(api);
    stored.isDefault = api.isDefault || (options.defaultIfNone === true && this.#default() === undefined);
    if (stored.isDefault) this.#clearDefault();
    this.#apis.set(stored.identifier, stored);
    return copyOf(stored);
  }

  async update(identifier: string, changes: ApiChanges): Promise<ApiRecord | undefined> {
    const api = this.#apis.get(identifier);
    if (api === undefined) return undefined;
    if (changes.isDefault === true) this.#clearDefault();
    if (changes.scopes !== undefined) api.scopes = [...changes.scopes];
    if (changes.tokenTtlSeconds !== undefined) api.tokenTtlSeconds = changes.tokenTtlSeconds;
    if (changes.dpop !== undefined) api.dpop = changes.dpop;
    if (changes.isDefault !== undefined) api.isDefault = changes.isDefault;
    return copyOf(api);
  }

  async get(identifier: string): Promise<ApiRecord | undefined> {
    const api = this.#apis.get(identifier);
    return api && copyOf(api);
  }

  async getDefault(): Promise<ApiRecord | undefined> {
    const api = this.#default();
    return api && copyOf(api);
  }

  /** Ordered by identifier, as the SQL stores list them. */
  async list(): Promise<ApiRecord[]> {
    return [...this.#apis.values()].sort((a, b) => compareText(a.identifier, b.identifier)).map(copyOf);
  }

  async remove(identifier: string): Promise<boolean> {
    return this.#apis.delete(identifier);
  }

  #default(): ApiRecord | undefined {
    return [...this.#apis.values()].find((api) => api.isDefault);
  }

  #clearDefault(): void {
    for (const api of this.#apis.values()) api.isDefault = false;
  }
}
