/**
 * The settings as layered from their sources, a later source winning field by field, and for every field the source
 * that set it: a problem is then traced to a line of the file, or to the environment variable or flag it came from.
 */
import { dirname, resolve } from 'node:path';
import type { ConfigFile } from './file.js';
import { type Mapping, isMapping } from './mapping.js';
import type { Source } from './source.js';

export class Layers {
  readonly input: Mapping = {};
  readonly #origins = new Map<string, Source>();

  /** Sets one field; `path` names a nested one (`['tls', 'certFile']`). */
  set(path: readonly string[], value: unknown, source: Source): void {
    let node = this.input;
    for (const key of path.slice(0, -1)) {
      const child = Object.hasOwn(node, key) ? node[key] : undefined;
      if (isMapping(child)) {
        node = child;
      } else {
        const created: Mapping = {};
        setOwn(node, key, created);
        node = created;
      }
    }
    setOwn(node, path.at(-1) ?? '', value);
    this.#origins.set(originKey(path), source);
  }

  /** Every setting of a mapping, field by field: what it does not set is left as earlier sources set it. */
  setAll(settings: Readonly<Mapping>, source: Source): void {
    for (const [path, value] of leaves(settings)) this.set(path, value, source);
  }

  /** A file's settings; the paths among them (`isPath`) are relative to the file's folder. */
  setFile(file: ConfigFile, isPath: (field: string, value: string) => boolean): void {
    const folder = dirname(resolve(file.source.document));
    for (const [path, value] of leaves(file.settings)) {
      const relative = typeof value === 'string' && value !== '' && isPath(path.join('.'), value);
      this.set(path, relative ? resolve(folder, value) : value, file.source);
    }
  }

  /**
   * The source of a field, of the nearest enclosing field set as a whole, or else of anything set inside it. A field
   * left out is laid at the file whose mapping around it is where it belongs (`tls:` without its `keyFile`).
   */
  sourceOf(path: readonly PropertyKey[]): Source | undefined {
    for (let length = path.length; length > 0; length--) {
      const source = this.#origins.get(originKey(path.slice(0, length)));
      if (source !== undefined) return source;
    }
    const inside = `${originKey(path)}${SEPARATOR}`;
    for (const [key, source] of this.#origins) if (path.length === 0 || key.startsWith(inside)) return source;
    for (const source of new Set(this.#origins.values())) {
      if ('document' in source && source.lineOf?.(path) !== undefined) return source;
    }
    return undefined;
  }
}

/**
 * Defines rather than assigns: a file's `__proto__` key then stays an own property (refused as an unknown setting)
 * instead of replacing the prototype of the object it is in, or reaching Object.prototype.
 */
function setOwn(node: Mapping, key: string, value: unknown): void {
  Object.defineProperty(node, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Nested mappings flattened into paths; lists, scalars and empty mappings are leaves. */
function leaves(tree: Readonly<Mapping>, prefix: readonly string[] = []): Array<[string[], unknown]> {
  return Object.entries(tree).flatMap(([key, value]): Array<[string[], unknown]> => {
    const path = [...prefix, key];
    return isMapping(value) && Object.keys(value).length > 0 ? leaves(value, path) : [[path, value]];
  });
}

const SEPARATOR = '\u0000';

function originKey(path: readonly PropertyKey[]): string {
  return path.map(String).join(SEPARATOR);
}
