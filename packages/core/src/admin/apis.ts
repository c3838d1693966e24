import { MAX_ACCESS_TOKEN_LIFETIME_SECONDS } from '@tollgate/jwt';
import { type Clock, epochSeconds } from '../clock.js';
import { InvalidRequest, NotFound } from '../errors.js';
import { isResourceIdentifier } from '../grants/audience.js';
import type { ApiInput } from '../service.js';
import type { ApiRecord, ApiStore } from '../storage/index.js';
import { checkRange, checkScopes } from './validate.js';

export const MIN_ACCESS_TOKEN_TTL_SECONDS = 60;
/** What verifiers accept by default (`maxTokenLifetimeSeconds`): a longer TTL would mint tokens they all refuse. */
export const MAX_ACCESS_TOKEN_TTL_SECONDS = MAX_ACCESS_TOKEN_LIFETIME_SECONDS;

export class ApiAdmin {
  readonly #apis: ApiStore;
  readonly #clock: Clock;
  readonly #defaultTtlSeconds: number;

  constructor(apis: ApiStore, clock: Clock, defaultTtlSeconds: number) {
    this.#apis = apis;
    this.#clock = clock;
    this.#defaultTtlSeconds = defaultTtlSeconds;
  }

  /** The first API registered becomes the default, so a fresh install works without `--default`. */
  async add(input: ApiInput): Promise<ApiRecord> {
    if (!isResourceIdentifier(input.identifier)) {
      throw new InvalidRequest(
        'An API identifier must be an absolute URI without a fragment, e.g. https://api.example.com',
      );
    }
    const ttl = input.tokenTtlSeconds ?? this.#defaultTtlSeconds;
    const record: ApiRecord = {
      identifier: input.identifier,
      scopes: checkScopes(input.scopes),
      isDefault: input.isDefault === true,
      tokenTtlSeconds: checkTokenTtl(ttl),
      createdAt: epochSeconds(this.#clock),
    };
    // "Default if there is none yet" is decided by the store, inside the insert's transaction: reading the default
    // here first would let two concurrent adds (CLI processes, server nodes) both see none.
    return this.#apis.add(record, { defaultIfNone: true });
  }

  /** Changes scopes, lifetime or default; making one API the default un-defaults the previous one (store, atomically). */
  async update(
    identifier: string,
    changes: Partial<Pick<ApiRecord, 'scopes' | 'tokenTtlSeconds' | 'isDefault'>>,
  ): Promise<ApiRecord> {
    const checked: Partial<Pick<ApiRecord, 'scopes' | 'tokenTtlSeconds' | 'isDefault'>> = {};
    if (changes.scopes !== undefined) checked.scopes = checkScopes(changes.scopes);
    if (changes.tokenTtlSeconds !== undefined) checked.tokenTtlSeconds = checkTokenTtl(changes.tokenTtlSeconds);
    if (changes.isDefault !== undefined) checked.isDefault = changes.isDefault;
    const updated = await this.#apis.update(identifier, checked);
    if (!updated) throw new NotFound(`No API with identifier ${identifier}`);
    return updated;
  }

  list(): Promise<ApiRecord[]> {
    return this.#apis.list();
  }

  async remove(identifier: string): Promise<void> {
    if (!(await this.#apis.remove(identifier))) throw new NotFound(`No API with identifier ${identifier}`);
  }
}

function checkTokenTtl(seconds: number): number {
  return checkRange(seconds, 'token lifetime (seconds)', MIN_ACCESS_TOKEN_TTL_SECONDS, MAX_ACCESS_TOKEN_TTL_SECONDS);
}
