/**
 * Stack traces that name the TypeScript sources and lines, with each source map read only when a stack that passes
 * through its file is first formatted.
 *
 * Why not Node's own (`process.setSourceMapsEnabled(true)`, `--enable-source-maps`): Node reads and parses the map of
 * every module as it compiles it, and measures each module's lines, whether or not any stack ever passes through it.
 * For the bundle that was 8-15 % of the CPU of `tollgate start` and of every command, and 1-2 MiB of idle RSS, to
 * format stack traces that a healthy process rarely prints. V8 formats an error's `stack` only when it is first read
 * (Error.prepareStackTrace), so the maps can wait until then.
 *
 * The frames are written as Node writes them with source maps on (lib/internal/source_map/prepare_stack_trace.js,
 * Node 20): `at <name> (<source path>:<line>:<column>)`, the name restored from the map's `names` when the bundler
 * renamed it. Frames outside the bundle directory, or without a mapping, are left as V8 wrote them; the first line
 * (`Error: message`, `TypeError [ERR_X]: message`) is Node's. What this does not do is what Node does for an
 * uncaught exception's source excerpt (the line above the stack with a `^`): that shows the bundle's line.
 */
import { readFileSync } from 'node:fs';
import { SourceMap, type SourceMapPayload } from 'node:module';
import { sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

type CallSite = NodeJS.CallSite;
type PrepareStackTrace = (error: Error, trace: CallSite[]) => unknown;

const FRAME_PREFIX = '\n    at ';

/**
 * Maps the frames of every module loaded from `directory` (a path; the bundle's chunks are CommonJS, so their frames
 * name paths) through the `.map` file beside it. Does nothing when Node maps stack traces itself.
 */
export function mapStackTracesUnder(directory: string): void {
  if (process.sourceMapsEnabled) return;
  const prefix = directory.endsWith(sep) ? directory : `${directory}${sep}`;
  const maps = new Map<string, SourceMap | undefined>();
  const mapOf = (file: string): SourceMap | undefined => {
    if (!maps.has(file)) maps.set(file, readSourceMap(file));
    return maps.get(file);
  };
  const nodeFormat = Error.prepareStackTrace as PrepareStackTrace | undefined;
  const header = (error: Error): string =>
    nodeFormat === undefined ? Error.prototype.toString.call(error) : String(nodeFormat(error, []));
  Error.prepareStackTrace = (error: Error, trace: CallSite[]): unknown => {
    if (!trace.some((site) => site.getFileName()?.startsWith(prefix))) {
      return nodeFormat === undefined ? unmapped(error, trace) : nodeFormat(error, trace);
    }
    const frames = trace.map((site, index) => {
      const file = site.getFileName();
      const map = file?.startsWith(prefix) ? mapOf(file) : undefined;
      return (map && mappedFrame(map, site, trace[index + 1])) ?? String(site);
    });
    return `${header(error)}${frames.map((frame) => `${FRAME_PREFIX}${frame}`).join('')}`;
  };
}

function unmapped(error: Error, trace: CallSite[]): string {
  return `${Error.prototype.toString.call(error)}${trace.map((site) => `${FRAME_PREFIX}${site}`).join('')}`;
}

/** The map beside a bundle file, its sources made absolute as Node makes them; none when missing or unreadable. */
function readSourceMap(file: string): SourceMap | undefined {
  const mapUrl = pathToFileURL(`${file}.map`);
  try {
    const payload = JSON.parse(readFileSync(mapUrl, 'utf8')) as SourceMapPayload;
    const root = payload.sourceRoot ?? '';
    return new SourceMap({ ...payload, sources: payload.sources.map((source) => new URL(root + source, mapUrl).href) });
  } catch {
    return undefined;
  }
}

/** One frame as Node writes it with source maps on (serializeJSStackFrame); undefined when the map has no entry. */
function mappedFrame(map: SourceMap, site: CallSite, caller: CallSite | undefined): string | undefined {
  const line = site.getLineNumber();
  const column = site.getColumnNumber();
  if (line === null || column === null) return undefined;
  const entry = map.findEntry(line - 1, column - 1) as Partial<SourceMapEntryFields>;
  const { originalSource, originalLine, originalColumn } = entry;
  if (originalSource === undefined || originalLine === undefined || originalColumn === undefined) return undefined;
  const source = originalSource.startsWith('file://') ? fileURLToPath(originalSource) : originalSource;
  const name = originalSymbolName(map, site, caller);
  const kind = site.isAsync() ? 'async ' : site.isConstructor() ? 'new ' : '';
  const typeName = site.getTypeName();
  const functionName = site.getFunctionName() ?? site.getMethodName();
  const generatedName = `${typeName !== null && typeName !== 'global' ? `${typeName}.` : ''}${functionName || '<anonymous>'}`;
  const shownName = name && name !== generatedName ? name : generatedName;
  return `${kind}${shownName} (${source}:${originalLine + 1}:${originalColumn + 1})`;
}

/** Node's getOriginalSymbolName: the enclosing function's name in the map, else the name at the caller's call. */
function originalSymbolName(map: SourceMap, site: CallSite, caller: CallSite | undefined): string | undefined {
  const enclosingLine = site.getEnclosingLineNumber();
  const enclosingColumn = site.getEnclosingColumnNumber();
  if (enclosingLine !== null && enclosingColumn !== null) {
    const enclosing = map.findEntry(enclosingLine - 1, enclosingColumn - 1) as Partial<SourceMapEntryFields>;
    if (enclosing.name) return enclosing.name;
  }
  const callerLine = caller?.getLineNumber();
  const callerColumn = caller?.getColumnNumber();
  if (caller === undefined || caller.getFileName() !== site.getFileName() || !callerLine || !callerColumn) {
    return undefined;
  }
  return (map.findEntry(callerLine - 1, callerColumn - 1) as Partial<SourceMapEntryFields>).name;
}

/** What SourceMap.findEntry returns when it finds an entry (Node 20 also returns `name`, which its types omit). */
interface SourceMapEntryFields {
  originalSource: string;
  originalLine: number;
  originalColumn: number;
  name: string;
}
