/**
 * A fetch that records what the client sends, for counting: how many token requests (and of which grant) reached
 * the server, how many attempts reached an API, and what each DPoP proof said. It reads a copy of each body and
 * passes the request on to the real fetch unchanged.
 */
export interface RecordedRequest {
  method: string;
  url: string;
  /** `grant_type` of a token request (form or JSON); `login` for the JSON login, which has none. */
  grant: string | undefined;
  body: string;
  /** The decoded DPoP proof sent with the request, if any. */
  dpop: { header: Record<string, unknown>; payload: Record<string, unknown> } | undefined;
  authorization: string | null;
  status: number;
}

function decodeJwt(jwt: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [header = '', payload = ''] = jwt.split('.');
  const part = (text: string) => JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Record<string, unknown>;
  return { header: part(header), payload: part(payload) };
}

function grantOf(request: Request, body: string): string | undefined {
  if (request.method !== 'POST' || !new URL(request.url).pathname.endsWith('/token')) return undefined;
  if ((request.headers.get('content-type') ?? '').startsWith('application/json')) {
    const json = JSON.parse(body) as Record<string, unknown>;
    return typeof json.grant_type === 'string' ? json.grant_type : 'login';
  }
  return new URLSearchParams(body).get('grant_type') ?? undefined;
}

export interface RecordingFetch {
  fetch: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
  requests: RecordedRequest[];
  /** Token requests of `grant` that were sent (each one reached the server: the status is its answer). */
  grants(grant: string): RecordedRequest[];
  /** Requests to URLs starting with `prefix`. */
  to(prefix: string): RecordedRequest[];
  reset(): void;
}

export function recordingFetch(): RecordingFetch {
  const requests: RecordedRequest[] = [];
  return {
    requests,
    fetch: async (input, init) => {
      const request = new Request(input, init);
      const body = request.body === null ? '' : await request.clone().text();
      const proof = request.headers.get('dpop');
      const response = await fetch(request);
      requests.push({
        method: request.method,
        url: request.url,
        grant: grantOf(request, body),
        body,
        dpop: proof === null ? undefined : decodeJwt(proof),
        authorization: request.headers.get('authorization'),
        status: response.status,
      });
      return response;
    },
    grants: (grant) => requests.filter((request) => request.grant === grant),
    to: (prefix) => requests.filter((request) => request.url.startsWith(prefix)),
    reset: () => {
      requests.length = 0;
    },
  };
}
