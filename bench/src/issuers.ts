/**
 * Tollgate servers that sign with a given algorithm (TOLLGATE_SIGNING_ALGORITHM), each seeded like the main one
 * (the bench API, one confidential client), started on first use and shared by the sections that need them
 * (verify, peers, gateway-peers), then stopped together.
 */
import { type Seeded, seed } from './seed.js';
import { type BenchServer, startServer } from './server.js';

export const ALGORITHMS = ['EdDSA', 'ES256', 'RS256'] as const;
export type Algorithm = (typeof ALGORITHMS)[number];

export const TOKEN_SCOPE = 'read:data';
const TOKEN_BODY = `grant_type=client_credentials&scope=${encodeURIComponent(TOKEN_SCOPE)}`;
/** Token requests in flight at once while making many tokens. */
const ISSUE_CONCURRENCY = 16;

export interface Issuer {
  algorithm: Algorithm;
  server: BenchServer;
  seeded: Seeded;
  /** One access token (a JWT) for the bench API with TOKEN_SCOPE. */
  token: string;
  /** `count` distinct access tokens, made through /token. */
  issueTokens(count: number): Promise<string[]>;
}

async function issueToken(server: BenchServer, authorization: string): Promise<string> {
  const response = await fetch(`${server.url}/token`, {
    method: 'POST',
    headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
    body: TOKEN_BODY,
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${server.url}/token answered ${response.status}: ${text}`);
  const token = (JSON.parse(text) as { access_token?: unknown }).access_token;
  if (typeof token !== 'string') throw new Error(`${server.url}/token returned no access_token`);
  return token;
}

async function startIssuer(algorithm: Algorithm): Promise<Issuer> {
  const server = await startServer({ env: { TOLLGATE_SIGNING_ALGORITHM: algorithm } });
  try {
    const seeded = await seed(server);
    const issueTokens = async (count: number) => {
      const tokens: string[] = [];
      const worker = async () => {
        while (tokens.length < count) tokens.push(await issueToken(server, seeded.authorization));
      };
      await Promise.all(Array.from({ length: ISSUE_CONCURRENCY }, worker));
      return tokens.slice(0, count);
    };
    return { algorithm, server, seeded, token: await issueToken(server, seeded.authorization), issueTokens };
  } catch (error) {
    await server.stop();
    throw error;
  }
}

export interface Issuers {
  get(algorithm: Algorithm): Promise<Issuer>;
  stop(): Promise<void>;
}

export function tollgateIssuers(): Issuers {
  const started = new Map<Algorithm, Promise<Issuer>>();
  return {
    get: (algorithm) => {
      let issuer = started.get(algorithm);
      if (issuer === undefined) {
        issuer = startIssuer(algorithm);
        started.set(algorithm, issuer);
      }
      return issuer;
    },
    stop: async () => {
      const all = await Promise.allSettled(started.values());
      await Promise.all(all.map((result) => (result.status === 'fulfilled' ? result.value.server.stop() : undefined)));
    },
  };
}
