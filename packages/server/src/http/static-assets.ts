/**
 * A folder of static files held in memory: read once at start-up, each compressible file also stored gzip- and
 * brotli-compressed, each with a strong ETag. Serving then costs no disk access and no compression per request.
 * A build may put the compressed copies beside each file (`app.js.br`, `app.js.gz`): they are used when they
 * decompress to the file, so start-up need not compress (brotli at its best quality is slow), and are not served
 * as files of their own.
 */
import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, brotliDecompressSync, constants, gunzipSync, gzip } from 'node:zlib';

const gzipAsync = promisify(gzip);
const brotliAsync = promisify(brotliCompress);

export type Encoding = 'br' | 'gzip' | 'identity';

export interface StaticAsset {
  contentType: string;
  /** Quoted strong ETag of the identity bytes; encoded variants append `-br`/`-gz` (RFC 9110 8.8.3). */
  etag: string;
  bodies: Partial<Record<Encoding, Buffer>> & { identity: Buffer };
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.txt': 'text/plain; charset=utf-8',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
};

const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.map', '.webmanifest', '.svg', '.txt']);

/** Compressing tiny files gains nothing and costs a header. */
const MIN_COMPRESS_BYTES = 256;

/** A build's compressed copy of `file` is `file` plus one of these suffixes. */
const COPY_SUFFIXES = { br: '.br', gzip: '.gz' } as const;

/** Every regular file under `dir` but the compressed copies, keyed by its `/`-separated path relative to `dir`. */
export async function loadStaticAssets(dir: string): Promise<Map<string, StaticAsset>> {
  const files = new Set(await listFiles(dir));
  const isCopy = (file: string) =>
    Object.values(COPY_SUFFIXES).some((suffix) => file.endsWith(suffix) && files.has(file.slice(0, -suffix.length)));
  const assets = new Map<string, StaticAsset>();
  for (const file of files) {
    if (isCopy(file)) continue;
    const key = relative(dir, file).split(sep).join('/');
    assets.set(key, await prepare(file, files));
  }
  return assets;
}

async function listFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await listFiles(path)));
    else if (entry.isFile()) files.push(path);
  }
  return files;
}

async function prepare(file: string, files: ReadonlySet<string>): Promise<StaticAsset> {
  const identity = await readFile(file);
  const extension = extname(file).toLowerCase();
  const etag = `"${createHash('sha256').update(identity).digest('base64url').slice(0, 27)}"`;
  const bodies: StaticAsset['bodies'] = { identity };
  if (COMPRESSIBLE.has(extension) && identity.length >= MIN_COMPRESS_BYTES) {
    const [br, gz] = await Promise.all([
      builtCopy(file, 'br', identity, files).then(
        (copy) =>
          copy ?? brotliAsync(identity, { params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY } }),
      ),
      builtCopy(file, 'gzip', identity, files).then(
        (copy) => copy ?? gzipAsync(identity, { level: constants.Z_BEST_COMPRESSION }),
      ),
    ]);
    if (br.length < identity.length) bodies.br = br;
    if (gz.length < identity.length) bodies.gzip = gz;
  }
  return { contentType: CONTENT_TYPES[extension] ?? 'application/octet-stream', etag, bodies };
}

/**
 * The build's compressed copy of `file`, if there is one and it decompresses to `identity`: a copy left over from
 * an earlier build is compressed afresh rather than served in place of the file (decompressing is cheap).
 */
async function builtCopy(
  file: string,
  encoding: keyof typeof COPY_SUFFIXES,
  identity: Buffer,
  files: ReadonlySet<string>,
): Promise<Buffer | undefined> {
  const copyFile = `${file}${COPY_SUFFIXES[encoding]}`;
  if (!files.has(copyFile)) return undefined;
  const copy = await readFile(copyFile);
  try {
    return (encoding === 'br' ? brotliDecompressSync : gunzipSync)(copy).equals(identity) ? copy : undefined;
  } catch {
    return undefined;
  }
}

/**
 * RFC 9110 12.5.3: the best coding the client accepts (q > 0) that we hold, brotli before gzip; identity otherwise.
 */
export function chooseEncoding(acceptEncoding: string | undefined, asset: StaticAsset): Encoding {
  const accepted = new Set<string>();
  for (const part of (acceptEncoding ?? '').split(',')) {
    const [name = '', ...parameters] = part.split(';').map((piece) => piece.trim().toLowerCase());
    const q = parameters.find((parameter) => parameter.startsWith('q='));
    if (name !== '' && (q === undefined || Number(q.slice(2)) > 0)) accepted.add(name);
  }
  if (asset.bodies.br && accepted.has('br')) return 'br';
  if (asset.bodies.gzip && (accepted.has('gzip') || accepted.has('x-gzip'))) return 'gzip';
  return 'identity';
}

export function etagOf(asset: StaticAsset, encoding: Encoding): string {
  if (encoding === 'identity') return asset.etag;
  return `${asset.etag.slice(0, -1)}-${encoding === 'br' ? 'br' : 'gz'}"`;
}

/** RFC 9110 13.1.2: If-None-Match with a matching entity tag (weak comparison) or `*`. */
export function notModified(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  return ifNoneMatch
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''))
    .some((tag) => tag === '*' || tag === etag);
}
