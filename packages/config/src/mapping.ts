export type Mapping = Record<string, unknown>;

/** A plain object: what a YAML or JSON mapping becomes, and what settings given in code are. */
export function isMapping(value: unknown): value is Mapping {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
