/**
 * A validated configuration is frozen all the way down, so no part of a running process can change a setting
 * another part has already acted on.
 */
export function deepFreeze<T>(value: T): T {
  // A frozen object is skipped: a copy that reuses frozen parts of a config is frozen again without walking them.
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
