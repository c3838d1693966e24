/**
 * The resource server's side of DPoP (RFC 9449 7): the proof that comes with a DPoP-bound token is checked against
 * the request (method, target URI), the token (`ath`, `cnf.jkt`), the clock, this API's nonce (when required) and
 * the replay cache. The proof checks themselves are @tollgate/jwt's verifyDpopProof; this module adds what needs
 * state: options, nonces per API and the replay cache.
 */
import { randomBytes } from 'node:crypto';
import {
  DEFAULT_DPOP_ALGORITHMS,
  DpopProofError,
  type DpopNonces,
  type SigningAlgorithm,
  SIGNING_ALGORITHMS,
  createDpopNonces,
  verifyDpopProof,
} from '@tollgate/jwt';
import { type DpopReplayCache, MemoryDpopReplayCache } from '@tollgate/jwt';
import { type AcceptedSchemes, BearerError } from './errors.js';
import type { BearerRequest, DpopMode, DpopOptions } from './types.js';

export interface NormalizedDpopOptions {
  mode: DpopMode;
  algorithms: readonly SigningAlgorithm[];
  maxAgeSeconds: number | undefined;
  clockSkewSeconds: number | undefined;
  replayCache: DpopReplayCache;
  requireNonce: boolean;
  nonceSecret: Uint8Array;
  nonceSeconds: number | undefined;
}

function modeOption(value: unknown, name: string): DpopMode {
  if (value === undefined) return 'allowed';
  if (value !== 'allowed' && value !== 'required') throw new TypeError(`${name} must be 'allowed' or 'required'`);
  return value;
}

function optionalNumber(value: unknown, name: string): number | undefined {
  if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) {
    throw new TypeError(`options.dpop.${name} must be a number`);
  }
  return value;
}

function algorithmsOption(value: unknown): readonly SigningAlgorithm[] {
  if (value === undefined) return DEFAULT_DPOP_ALGORITHMS;
  const known: readonly string[] = SIGNING_ALGORITHMS;
  if (!Array.isArray(value) || value.length === 0 || !value.every((alg) => known.includes(alg))) {
    throw new TypeError(`options.dpop.algorithms must be a non-empty subset of ${SIGNING_ALGORITHMS.join(', ')}`);
  }
  return Object.freeze([...value]);
}

function replayCacheOption(value: unknown, now: () => number): DpopReplayCache {
  if (value === undefined) return new MemoryDpopReplayCache({ now });
  if (typeof (value as DpopReplayCache | null)?.checkAndRemember !== 'function') {
    throw new TypeError('options.dpop.replayCache must have a checkAndRemember method');
  }
  return value as DpopReplayCache;
}

export function normalizeDpopOptions(value: DpopOptions | undefined, now: () => number): NormalizedDpopOptions {
  const options = value ?? {};
  if (typeof options !== 'object' || options === null) throw new TypeError('options.dpop must be an object');
  if (options.requireNonce !== undefined && typeof options.requireNonce !== 'boolean') {
    throw new TypeError('options.dpop.requireNonce must be a boolean');
  }
  const { nonceSecret } = options;
  if (nonceSecret !== undefined && (!(nonceSecret instanceof Uint8Array) || nonceSecret.byteLength < 32)) {
    throw new TypeError('options.dpop.nonceSecret must hold at least 32 bytes');
  }
  return Object.freeze({
    mode: modeOption(options.mode, 'options.dpop.mode'),
    algorithms: algorithmsOption(options.algorithms),
    maxAgeSeconds: optionalNumber(options.maxAgeSeconds, 'maxAgeSeconds'),
    clockSkewSeconds: optionalNumber(options.clockSkewSeconds, 'clockSkewSeconds'),
    replayCache: replayCacheOption(options.replayCache, now),
    requireNonce: options.requireNonce === true,
    // Random per verifier: nonces then hold within this process, which is all a default can promise.
    nonceSecret: nonceSecret ?? randomBytes(32),
    nonceSeconds: optionalNumber(options.nonceSeconds, 'nonceSeconds'),
  });
}

/** What one call checks: the API's mode and nonce requirement, and the API (the nonce context). */
export interface DpopCall {
  mode: DpopMode;
  requireNonce: boolean;
  audience: string;
}

/** A call's mode and nonce requirement, with a caller mistake (a mode that is neither) as a TypeError. */
export function dpopCall(
  options: NormalizedDpopOptions,
  call: { dpop?: unknown; dpopNonce?: unknown } | undefined,
  audience: string,
): DpopCall {
  const mode = call?.dpop === undefined ? options.mode : modeOption(call.dpop, 'options.dpop');
  const nonce = call?.dpopNonce;
  if (nonce !== undefined && typeof nonce !== 'boolean') throw new TypeError('options.dpopNonce must be a boolean');
  return { mode, requireNonce: nonce ?? options.requireNonce, audience };
}

export class DpopCheck {
  readonly #options: NormalizedDpopOptions;
  readonly #now: () => number;
  /** One nonce sequence per API (RFC 9449 9: nonces of one server never pass at another). */
  readonly #nonces = new Map<string, DpopNonces>();

  constructor(options: NormalizedDpopOptions, now: () => number) {
    this.#options = options;
    this.#now = now;
  }

  /** The schemes a refusal challenges for an API in this mode (RFC 9449 7.1, 7.2). */
  accepted(mode: DpopMode): AcceptedSchemes {
    return { bearer: mode === 'allowed', dpopAlgorithms: this.#options.algorithms };
  }

  /** The nonce to hand out now (`DPoP-Nonce`, RFC 9449 8.2) when the call requires nonces; else undefined. */
  currentNonce(call: DpopCall): string | undefined {
    return call.requireNonce ? this.#noncesFor(call.audience).current() : undefined;
  }

  /**
   * Checks the request's proof for `token`, bound to `jkt` (RFC 9449 7.1); throws BearerError. The proof's `jti`
   * is remembered only once everything else holds, so a refused proof does not burn a retry's chance.
   */
  async check(
    request: BearerRequest,
    proof: string | undefined,
    token: string,
    jkt: string,
    call: DpopCall,
  ): Promise<void> {
    if (proof === undefined) throw BearerError.fromDpop(new DpopProofError('ERR_DPOP_MISSING'));
    const nonces = call.requireNonce ? this.#noncesFor(call.audience) : undefined;
    let verified: ReturnType<typeof verifyDpopProof>;
    try {
      verified = verifyDpopProof(
        proof,
        {
          method: requestMethod(request),
          url: targetUri(request),
          accessToken: token,
          jkt,
          ...(nonces === undefined ? {} : { nonce: (nonce: string) => nonces.accepts(nonce) }),
          algorithms: this.#options.algorithms,
          ...(this.#options.maxAgeSeconds === undefined ? {} : { maxAgeSeconds: this.#options.maxAgeSeconds }),
          ...(this.#options.clockSkewSeconds === undefined ? {} : { clockSkewSeconds: this.#options.clockSkewSeconds }),
        },
        this.#now,
      );
    } catch (error) {
      if (!(error instanceof DpopProofError)) throw error;
      const refusal = BearerError.fromDpop(error);
      // RFC 9449 9: the answer to use_dpop_nonce carries the nonce to use.
      if (error.error === 'use_dpop_nonce' && nonces !== undefined) {
        throw refusal.withScheme(refusal.accepted, 'DPoP', nonces.current());
      }
      throw refusal;
    }
    if (!(await this.#options.replayCache.checkAndRemember(verified.replayKey, verified.replayUntilMs))) {
      throw BearerError.fromDpop(new DpopProofError('ERR_DPOP_REPLAYED'));
    }
  }

  #noncesFor(audience: string): DpopNonces {
    let nonces = this.#nonces.get(audience);
    if (nonces === undefined) {
      const { nonceSecret: secret, nonceSeconds } = this.#options;
      nonces = createDpopNonces({
        secret,
        context: `resource:${audience}`,
        now: this.#now,
        ...(nonceSeconds === undefined ? {} : { periodSeconds: nonceSeconds }),
      });
      this.#nonces.set(audience, nonces);
    }
    return nonces;
  }
}

/** RFC 9110 9.1: a method is a token; anything else cannot be what a proof signed. */
const METHOD = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function requestMethod(request: BearerRequest): string {
  const { method } = request;
  if (typeof method !== 'string') throw new TypeError('request.method is needed to check a DPoP proof');
  if (!METHOD.test(method)) throw BearerError.fromDpop(new DpopProofError('ERR_DPOP_METHOD_MISMATCH', 'htm'));
  return method;
}

/**
 * The target URI. Its host may come from a client's Host header, so an unusable one is a proof for another URI
 * (401), never a caller mistake: no header value may turn into a 500.
 */
function targetUri(request: BearerRequest): string {
  const { targetUri: uri } = request;
  if (typeof uri !== 'string') throw new TypeError('request.targetUri is needed to check a DPoP proof');
  let url: URL | undefined;
  try {
    // verifyDpopProof compares at most 2 048 characters (its MAX_HTU_LENGTH); longer is no URI a proof can name.
    url = uri.length > 2048 ? undefined : new URL(uri);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password) {
    throw BearerError.fromDpop(new DpopProofError('ERR_DPOP_URI_MISMATCH', 'htu'));
  }
  return uri;
}
