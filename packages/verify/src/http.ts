/** The few HTTP calls of the SDK: bounded in time and in size, no redirects, JSON objects only. */

/** Metadata and JWKS documents are a few KiB; anything this large is not one. */
const MAX_DOCUMENT_BYTES = 1024 * 1024;

export interface HttpOptions {
  fetch: typeof fetch;
  timeoutMs: number;
  /** Aborts the request when the verifier closes. */
  signal?: AbortSignal;
}

/** Why a discovery or JWKS request failed; the message names the URL (public) and the reason, nothing secret. */
export class FetchError extends Error {
  constructor(url: string, reason: string, options?: ErrorOptions) {
    super(`GET ${url} failed: ${reason}`, options);
    this.name = 'FetchError';
  }
}

async function readBounded(response: Response, url: string): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > MAX_DOCUMENT_BYTES) throw new FetchError(url, 'response too large');
  const body = response.body;
  if (body === null) return '';
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > MAX_DOCUMENT_BYTES) {
      await reader.cancel();
      throw new FetchError(url, 'response too large');
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** GETs a JSON object. Redirects are not followed: discovery and keys come from exactly the configured places. */
export async function fetchJsonObject(url: string, options: HttpOptions): Promise<Record<string, unknown>> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal === undefined ? timeout : AbortSignal.any([timeout, options.signal]);
  let text: string;
  try {
    const response = await options.fetch(url, {
      headers: { accept: 'application/json' },
      redirect: 'manual',
      signal,
    });
    if (response.status !== 200) {
      await response.body?.cancel();
      throw new FetchError(url, `status ${response.status}`);
    }
    text = await readBounded(response, url);
  } catch (error) {
    if (error instanceof FetchError) throw error;
    const reason = timeout.aborted ? `no answer within ${options.timeoutMs} ms` : describeNetworkError(error);
    throw new FetchError(url, reason, { cause: error });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new FetchError(url, 'the response is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new FetchError(url, 'the response is not a JSON object');
  }
  return parsed as Record<string, unknown>;
}

/** fetch hides the useful part (ECONNREFUSED, ENOTFOUND) in `cause`. */
export function describeNetworkError(error: unknown): string {
  if (!(error instanceof Error)) return 'network error';
  const cause = error.cause;
  if (!(cause instanceof Error)) return error.message;
  const code = 'code' in cause && typeof cause.code === 'string' ? cause.code : undefined;
  return code === undefined || cause.message.includes(code) ? cause.message : `${cause.message} (${code})`;
}
