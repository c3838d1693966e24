/**
 * Reads a config file, YAML or JSON as its name says, and keeps the YAML parser's map of where each setting stands,
 * so a problem can name its line. JSON is parsed as JSON (a YAML parser would take much that is not JSON); its
 * lines still come from the YAML parser, which reads any JSON text.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname } from 'node:path';
import type { Document, LineCounter } from 'yaml';
import { isMapping } from './mapping.js';
import type { DocumentSource } from './source.js';

export interface ConfigFile {
  readonly settings: Readonly<Record<string, unknown>>;
  /** The file as the caller named it, with the line of each setting. */
  readonly source: DocumentSource;
}

const FORMATS: Readonly<Record<string, 'YAML' | 'JSON'>> = { '.yaml': 'YAML', '.yml': 'YAML', '.json': 'JSON' };

type Yaml = typeof import('yaml');
let loadedYaml: Yaml | undefined;

/**
 * The YAML parser (some 70 modules) is loaded when a file is first read, not with this module: most commands are
 * given no config file. Required synchronously, so reading a file, and the config loaders, stay synchronous.
 */
function yaml(): Yaml {
  loadedYaml ??= createRequire(import.meta.url)('yaml') as Yaml;
  return loadedYaml;
}

/** The file's settings, or the one problem that kept them from being read. */
export function readConfigFile(file: string): ConfigFile | { problem: string } {
  const format = FORMATS[extname(file).toLowerCase()];
  if (format === undefined) return { problem: `${file}: a config file must end in .yaml, .yml or .json` };
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return { problem: `cannot read config file ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}` };
  }
  const { LineCounter, parseDocument } = yaml();
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const parsed = format === 'JSON' ? parseJson(text) : yamlContent(document, lineCounter);
  if ('syntax' in parsed) {
    const where = parsed.line === undefined ? file : `${file}:${parsed.line}`;
    return { problem: `${where}: not valid ${format}: ${parsed.syntax}` };
  }
  if (!isMapping(parsed.content)) return { problem: `${file}: must contain a mapping of settings` };
  return {
    settings: parsed.content,
    source: { document: file, lineOf: (path) => lineOf(document, lineCounter, path) },
  };
}

type Parsed = { content: unknown } | { syntax: string; line: number | undefined };

function yamlContent(document: Document, lineCounter: LineCounter): Parsed {
  const error = document.errors[0];
  if (error === undefined) return { content: document.toJS() };
  return { syntax: firstLine(error.message), line: lineCounter.linePos(error.pos[0]).line };
}

function parseJson(text: string): Parsed {
  try {
    return { content: JSON.parse(text) };
  } catch (error) {
    const message = error instanceof Error ? error.message : 'syntax error';
    // V8 says where ("... in JSON at position 19"), or quotes the text ("Unexpected token 'p', "port: 90..." is not
    // valid JSON"): a config file may hold a password, so the quote goes.
    const position = /at position (\d+)/.exec(message)?.[1];
    const line = position === undefined ? undefined : text.slice(0, Number(position)).split('\n').length;
    return { syntax: firstLine(message.replace(/, .* is not valid JSON$/s, '')), line };
  }
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}

/** The line of the nearest node on `path` that stands in the file (a missing key points at its parent). */
function lineOf(document: Document, lineCounter: LineCounter, path: readonly PropertyKey[]): number | undefined {
  const { isMap, isPair, isScalar } = yaml();
  for (let length = path.length; length > 0; length--) {
    const parent = length === 1 ? document.contents : document.getIn(path.slice(0, length - 1), true);
    const key = path[length - 1];
    if (isMap(parent)) {
      const pair = parent.items.find((item) => isPair(item) && isScalar(item.key) && item.key.value === key);
      const node = pair?.key as { range?: [number, number, number] } | undefined;
      if (node?.range) return lineCounter.linePos(node.range[0]).line;
    }
    const node = document.getIn(path.slice(0, length), true) as { range?: [number, number, number] } | undefined;
    if (node?.range) return lineCounter.linePos(node.range[0]).line;
  }
  return undefined;
}
