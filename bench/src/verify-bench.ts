/**
 * JWT verifications per second in one process, for each signing algorithm (EdDSA, ES256, RS256) on one token
 * issued by a real Tollgate signing with it:
 *   - raw node:crypto: split the compact JWS, decode the signature, crypto.verify. The limit: no header, claim
 *     or key-selection checks at all.
 *   - verifier.verify() with cacheSize 0: the SDK's full validation every time (header, alg allow-list, key
 *     lookup, signature, claims, revocation deny list).
 *   - verifier.verify() with the default cache: the same token again, so a SHA-256 digest and a map lookup.
 *   - the libraries people compare it with, each checking the signature, alg, iss, aud and exp with no cache:
 *     jose's jwtVerify (async, as the SDK) and fast-jwt's createVerifier (sync).
 * Variants alternate in short rounds and the median counts, so a noisy neighbour hits all of them alike.
 * Rates are per second of this process's CPU time (process.cpuUsage): the loops never wait on I/O, so on an
 * idle machine that equals wall-clock time, and on a busy one other processes do not distort the ratio.
 */
import { createPublicKey, type KeyObject, verify } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createVerifier, type Verifier } from '@tollgate/verify';
import { createVerifier as createFastJwtVerifier } from 'fast-jwt';
import { jwtVerify } from 'jose';
import type { Algorithm } from './issuers.js';
import { formatInteger, formatPercent, markdownTable, median } from './markdown.js';

const ROUNDS = 5;
const ROUND_MS = Number(process.env.BENCH_VERIFY_ROUND_MS) || 600;
const WARM_UP_MS = 300;
/** The clock is read once per batch, so reading it costs nothing measurable. */
const BATCH = 256;

export interface VerifySetup {
  issuer: string;
  audience: string;
  token: string;
  client: { clientId: string; clientSecret: string };
}

interface Variant {
  name: string;
  run: () => unknown;
}

export async function publicKeyOf(issuer: string, token: string): Promise<KeyObject> {
  const header = JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8')) as { kid?: string };
  const response = await fetch(`${issuer}/.well-known/jwks.json`, { signal: AbortSignal.timeout(10_000) });
  const jwks = (await response.json()) as { keys: Array<{ kid?: string } & Record<string, unknown>> };
  const jwk = jwks.keys.find((key) => key.kid === header.kid);
  if (jwk === undefined) throw new Error('the token names a key the JWKS does not have');
  return createPublicKey({ key: jwk as import('node:crypto').JsonWebKey, format: 'jwk' });
}

/** A JWS signature check alone: EdDSA takes no digest; ES256 signatures are r || s (RFC 7518 3.4). */
export function rawTokenVerifier(algorithm: Algorithm, publicKey: KeyObject): (token: string) => boolean {
  const digest = algorithm === 'EdDSA' ? null : 'sha256';
  const key = { key: publicKey, dsaEncoding: 'ieee-p1363' as const };
  return (token) => {
    const dot = token.lastIndexOf('.');
    const signature = Buffer.from(token.slice(dot + 1), 'base64url');
    return verify(digest, Buffer.from(token.slice(0, dot), 'latin1'), key, signature);
  };
}

function rawVerifier(algorithm: Algorithm, token: string, publicKey: KeyObject): () => boolean {
  const verifyToken = rawTokenVerifier(algorithm, publicKey);
  return () => verifyToken(token);
}

function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** Operations per CPU-second of `run` (awaited only when it returns a promise), for about `durationMs`. */
async function opsPerSecond(run: () => unknown, durationMs: number): Promise<number> {
  let operations = 0;
  const started = performance.now();
  const cpuStarted = cpuMs();
  while (performance.now() - started < durationMs) {
    for (let index = 0; index < BATCH; index++) {
      const result = run();
      if (result instanceof Promise) await result;
    }
    operations += BATCH;
  }
  return (operations * 1000) / (cpuMs() - cpuStarted);
}

interface Measured {
  opsPerSecond: number;
  /** Median over rounds of this variant's rate divided by the first variant's rate in the same round. */
  ratio: number;
}

async function measureVariants(variants: readonly Variant[]): Promise<Map<string, Measured>> {
  const samples = variants.map(() => ({ rates: [] as number[], ratios: [] as number[] }));
  for (const variant of variants) await opsPerSecond(variant.run, WARM_UP_MS);
  for (let round = 0; round < ROUNDS; round++) {
    const rates: number[] = [];
    for (const variant of variants) rates.push(await opsPerSecond(variant.run, ROUND_MS));
    rates.forEach((rate, index) => {
      samples[index]?.rates.push(rate);
      samples[index]?.ratios.push(rate / (rates[0] as number));
    });
  }
  return new Map(
    variants.map((variant, index) => [
      variant.name,
      { opsPerSecond: median(samples[index]?.rates ?? []), ratio: median(samples[index]?.ratios ?? []) },
    ]),
  );
}

export interface AlgorithmSetup {
  algorithm: Algorithm;
  setup: VerifySetup;
}

/** Every variant's rate and its ratio to raw node:crypto, for one algorithm. */
async function measureAlgorithm({ algorithm, setup }: AlgorithmSetup): Promise<Map<string, Measured>> {
  const publicKey = await publicKeyOf(setup.issuer, setup.token);
  const raw = rawVerifier(algorithm, setup.token, publicKey);
  if (!raw()) throw new Error(`raw verification of the issued ${algorithm} token failed`);
  const options = { issuer: setup.issuer, audience: setup.audience, client: setup.client };
  const uncached: Verifier = createVerifier({ ...options, cacheSize: 0 });
  const cached: Verifier = createVerifier(options);
  const claims = { issuer: setup.issuer, audience: setup.audience, algorithms: [algorithm] };
  const fastJwt = createFastJwtVerifier({
    key: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    algorithms: [algorithm],
    allowedIss: setup.issuer,
    allowedAud: setup.audience,
    cache: false,
  });
  try {
    await Promise.all([uncached.ready(), cached.ready()]);
    // One real verification each first: a benchmark of refusals would measure nothing.
    await uncached.verify(setup.token);
    await cached.verify(setup.token);
    await jwtVerify(setup.token, publicKey, claims);
    fastJwt(setup.token);
    process.stderr.write(
      `measuring ${algorithm} JWT verification: ${ROUNDS} rounds of ${ROUND_MS} ms per variant...\n`,
    );
    return await measureVariants([
      { name: 'raw node:crypto verify (the limit)', run: raw },
      { name: '@tollgate/verify verifier.verify(), cacheSize 0', run: () => uncached.verify(setup.token) },
      { name: '@tollgate/verify verifier.verify(), cache on (same token)', run: () => cached.verify(setup.token) },
      { name: 'jose jwtVerify()', run: () => jwtVerify(setup.token, publicKey, claims) },
      { name: 'fast-jwt createVerifier(), cache off', run: () => fastJwt(setup.token) },
    ]);
  } finally {
    await Promise.all([uncached.close(), cached.close()]);
  }
}

export async function runVerifyBench(setups: readonly AlgorithmSetup[]): Promise<string> {
  const results: Map<string, Measured>[] = [];
  for (const setup of setups) results.push(await measureAlgorithm(setup));
  const names = [...(results[0]?.keys() ?? [])];
  const rows = names.map((name) => [
    name,
    ...results.flatMap((result) => {
      const measured = result.get(name);
      return measured === undefined
        ? ['—', '—']
        : [formatInteger(measured.opsPerSecond), formatPercent(measured.ratio * 100)];
    }),
  ]);
  const headers = setups.flatMap(({ algorithm }) => [`${algorithm} verifications/s (CPU)`, `${algorithm} % of raw`]);
  return markdownTable(['Verification, one process', ...headers], rows);
}
