/**
 * The pieces of a JSON log line written by hand, without pino, for the one line each request writes: the gateway's
 * access line (packages/gateway/src/access-log.ts) and the server's request-completed line
 * (packages/server/src/request-log.ts). Both are the line pino would write for `logger.info({...}, msg)` (level,
 * time, the logger's bindings, the fields, msg): pino's generic path (object walk, redaction, serializers, formatters)
 * cost more than the line itself in the profiles of both. Non-ASCII characters are escaped (`\u00e9`), so a line's
 * length is its byte count.
 */

const NON_ASCII = /[^\x00-\x7f]/;
const NON_ASCII_ALL = /[^\x00-\x7f]/g;

/** A JSON string literal in ASCII: JSON.stringify, then `\uXXXX` for each UTF-16 unit above 0x7f. */
export function jsonString(value: string): string {
  const json = JSON.stringify(value);
  if (!NON_ASCII.test(json)) return json;
  return json.replace(NON_ASCII_ALL, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** `{"a":1,"b":"x"}` as `,"a":1,"b":"x"`: members to splice into a line after `time`. */
export function jsonMembers(bindings: Record<string, unknown>): string {
  const json = JSON.stringify(bindings);
  return json === '{}' ? '' : `,${json.slice(1, -1)}`;
}

/**
 * The start of a line as pino writes it: `{"level":30,"time":1733...` and the logger's bindings (pino's chindings,
 * `,"service":"tollgate"...`, already serialised by pino when the logger was made). Fields follow, then lineEnd().
 */
export function lineStart(levelValue: number, bindings: string): string {
  return `{"level":${levelValue},"time":${Date.now()}${bindings}`;
}

/** The end of a line: its message (a constant of the caller's, plain ASCII with nothing to escape) and the newline. */
export function lineEnd(message: string): string {
  return `,"msg":${JSON.stringify(message)}}\n`;
}
