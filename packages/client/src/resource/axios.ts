/**
 * `@tollgate/client/axios`: the same behaviour as the client's fetch, as a pair of axios interceptors. axios is
 * imported for its types only, so the package has no runtime dependency on it: bring your own axios (1.x).
 *
 *   const api = axios.create({ baseURL: 'https://api.example.com' });
 *   attachTollgate(api, client);
 */
import type { AxiosError, AxiosInstance, AxiosResponse, InternalAxiosRequestConfig } from 'axios';
import type { TokenSet } from '../oauth/token-set.js';
import type { ResourceAccess } from './access.js';
import { type AttemptState, verdictOf } from './verdict.js';

/**
 * Where a request's retry state travels: axios copies unknown config keys when a config is sent again, and the
 * retry goes through the request interceptor like the first attempt.
 */
const STATE_KEY = 'tollgateAttempt';

type TrackedConfig = InternalAxiosRequestConfig & { [STATE_KEY]?: AttemptState };

function headerOf(response: AxiosResponse, name: string): string | undefined {
  const headers = response.headers as { get?: (name: string) => unknown } & Record<string, unknown>;
  const value = typeof headers.get === 'function' ? headers.get(name) : headers[name];
  if (value === undefined || value === null) return undefined;
  return Array.isArray(value) ? value.join(', ') : String(value);
}

function isAxiosErrorWithResponse(error: unknown): error is AxiosError & { response: AxiosResponse } {
  const candidate = error as Partial<AxiosError> | null;
  return typeof candidate === 'object' && candidate?.isAxiosError === true && candidate.response !== undefined;
}

async function authorize(instance: AxiosInstance, access: ResourceAccess, config: TrackedConfig) {
  // A retry carries the tokens it must use (the same for a nonce retry, the renewed ones after invalid_token).
  const tokens: TokenSet = config[STATE_KEY]?.tokens ?? (await access.current());
  config[STATE_KEY] ??= { tokens, retriedWithNonce: false, renewed: false };
  const method = (config.method ?? 'get').toUpperCase();
  const headers = await access.headersFor(method, instance.getUri(config), tokens);
  for (const [name, value] of Object.entries(headers)) config.headers.set(name, value);
  return config;
}

async function recover(instance: AxiosInstance, access: ResourceAccess, error: unknown): Promise<AxiosResponse> {
  if (!isAxiosErrorWithResponse(error)) throw error;
  const config = error.config as TrackedConfig | undefined;
  const state = config?.[STATE_KEY];
  if (config === undefined || state === undefined) throw error;
  const { response } = error;
  access.rememberNonce(instance.getUri(config), headerOf(response, 'dpop-nonce'));
  const verdict = verdictOf(response.status, (name) => headerOf(response, name), state, { cause: error });
  if (verdict.action === 'done') throw error;
  if (verdict.action === 'fail') throw verdict.error;
  if (verdict.action === 'retry-with-nonce') {
    config[STATE_KEY] = { ...state, retriedWithNonce: true };
  } else {
    const tokens = await access.renewAfter(state.tokens);
    config[STATE_KEY] = { tokens, retriedWithNonce: false, renewed: true };
  }
  return instance.request(config);
}

/**
 * Adds the interceptors to `instance` and returns a function that removes them. Token requests never go through
 * axios (the client uses its own fetch), so the interceptors cannot recurse into a refresh.
 */
export function attachTollgate(instance: AxiosInstance, access: ResourceAccess): () => void {
  const requestId = instance.interceptors.request.use((config) => authorize(instance, access, config));
  const responseId = instance.interceptors.response.use(
    (response) => {
      access.rememberNonce(instance.getUri(response.config), headerOf(response, 'dpop-nonce'));
      return response;
    },
    (error: unknown) => recover(instance, access, error),
  );
  return () => {
    instance.interceptors.request.eject(requestId);
    instance.interceptors.response.eject(responseId);
  };
}
