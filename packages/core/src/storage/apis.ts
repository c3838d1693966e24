/** Registered APIs (RFC 8707 resources): what tokens are for. */
/**
 * Whether the API takes only DPoP-bound tokens (RFC 9449): `required` makes the token endpoint refuse a request for
 * it without a proof; `allowed` issues bound tokens to requests with one and bearer tokens to the rest.
 */
export type DpopPolicy = 'required' | 'allowed';

export const DPOP_POLICIES: readonly DpopPolicy[] = Object.freeze(['required', 'allowed']);

export interface ApiRecord {
  /** The RFC 8707 resource identifier: an absolute URI without a fragment. Becomes the token's `aud`. */
  identifier: string;
  scopes: string[];
  isDefault: boolean;
  tokenTtlSeconds: number;
  dpop: DpopPolicy;
  createdAt: number;
}

export interface AddApiOptions {
  /**
   * Make the API the default if no API is the default when it is stored; decided in the same transaction as the
   * insert, so concurrent adds (processes, nodes) end with exactly one default and an explicit `isDefault` still wins.
   */
  defaultIfNone?: boolean;
}

export interface ApiStore {
  /**
   * Throws `Conflict` if the identifier exists. With `isDefault`, atomically clears the previous default. Returns the
   * API as stored: its `isDefault` tells whether `defaultIfNone` made it the default.
   */
  add(api: ApiRecord, options?: AddApiOptions): Promise<ApiRecord>;
  /** Changes the given fields; with `isDefault: true`, atomically clears the previous default. Undefined when absent. */
  update(
    identifier: string,
    changes: Partial<Pick<ApiRecord, 'scopes' | 'tokenTtlSeconds' | 'isDefault' | 'dpop'>>,
  ): Promise<ApiRecord | undefined>;
  get(identifier: string): Promise<ApiRecord | undefined>;
  getDefault(): Promise<ApiRecord | undefined>;
  list(): Promise<ApiRecord[]>;
  /** Returns false when there was nothing to remove. */
  remove(identifier: string): Promise<boolean>;
}
