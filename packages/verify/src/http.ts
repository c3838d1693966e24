/** The few HTTP calls of the SDK: bounded in time and in size, no redirects, JSON objects only. */

/** Metadata and JWKS documents are a few KiB; anything this large is not one. */
const MAX_DOCUMENT_BYTES = 1024 * 1024;

export interface HttpOptions {
  fetch: typeof fetch;
  timeoutMs: number;
  /** Aborts the request when the verifier closes. */
  signal?: AbortSignal;
}

/** A request other than a plain GET: introspection and usage reports (POST, client-authenticated). */
export interface RequestParts {
  method: 'POST';
  headers: Record<string, string>;
  body: string;
}

/** Why a request to the issuer failed; the message names the URL (public) and the reason, nothing secret. */
export class FetchError extends Error {
  /** The HTTP status, when the server answered. */
  readonly status: number | undefined;

  constructor(url: string, reason: string, options?: ErrorOptions & { method?: string; status?: number }) {
    super(`${options?.method ?? 'GET'} ${url} failed: ${reason}`, options);
    this.name = 'FetchError';
    this.status = options?.status;
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

/**
 * GETs (or, given `parts`, POSTs) and reads the response, whose status must be one `accepts`. Redirects are not
 * followed: discovery, keys and credentials go to exactly the places the issuer named.
 */
async function send(
  url: string,
  options: HttpOptions,
  parts: RequestParts | undefined,
  read: (response: Response) => Promise<string>,
  accepts: (status: number) => boolean,
): Promise<string> {
  const method = parts?.method ?? 'GET';
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal === undefined ? timeout : AbortSignal.any([timeout, options.signal]);
  try {
    const response = await options.fetch(url, {
      method,
      headers: { accept: 'application/json', ...parts?.headers },
      ...(parts === undefined ? {} : { body: parts.body }),
      redirect: 'manual',
      signal,
    });
    if (!accepts(response.status)) {
      await response.body?.cancel();
      throw new FetchError(url, `status ${response.status}`, { method, status: response.status });
    }
    return await read(response);
  } catch (error) {
    if (error instanceof FetchError) throw error;
    const reason = timeout.aborted ? `no answer within ${options.timeoutMs} ms` : describeNetworkError(error);
    throw new FetchError(url, reason, { cause: error, method });
  }
}

/** POSTs and expects a 2xx answer (204 for usage reports), whose body is discarded. */
export async function postForSuccess(url: string, options: HttpOptions, parts: RequestParts): Promise<void> {
  const discard = async (response: Response) => {
    await response.body?.cancel();
    return '';
  };
  await send(url, options, parts, discard, (status) => status >= 200 && status < 300);
}

/** GETs (or POSTs, given `parts`) a JSON object, answered with 200. */
export async function fetchJsonObject(
  url: string,
  options: HttpOptions,
  parts?: RequestParts,
): Promise<Record<string, unknown>> {
  const text = await send(
    url,
    options,
    parts,
    (response) => readBounded(response, url),
    (status) => status === 200,
  );
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
