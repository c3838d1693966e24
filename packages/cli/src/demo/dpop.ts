/**
 * The demo's DPoP act (RFC 9449), played once at start because a proof cannot be made with curl: the demo user signs
 * in with @tollgate/client, which binds the token to a key it generated; the gateway serves that token with a proof
 * from that key, and refuses it with a proof from any other key, which is all a thief of the token could make.
 */
import { createClient, dpopProof, generateDpopKeyPair } from '@tollgate/client';
import { DEMO_API, DEMO_USERNAME } from './seed.js';

export interface DpopFacts {
  serverUrl: string;
  gatewayUrl: string;
  password: string;
  apiIsDefault: boolean;
}

export interface DpopOutcome {
  tokenType: string;
  ownStatus: number;
  replayStatus: number;
  replayChallenge: string;
}

export async function playDpop(facts: DpopFacts): Promise<DpopOutcome> {
  const client = createClient({ issuer: facts.serverUrl, dpop: true });
  const tokens = await client.login({
    username: DEMO_USERNAME,
    password: facts.password,
    ...(facts.apiIsDefault ? {} : { resource: DEMO_API }),
  });
  const data = `${facts.gatewayUrl}/data`;
  const own = await client.fetch(data);
  await own.body?.cancel();
  const thief = await generateDpopKeyPair();
  const proof = await dpopProof(thief, { method: 'GET', url: data, accessToken: tokens.accessToken });
  const replay = await fetch(data, { headers: { authorization: `DPoP ${tokens.accessToken}`, dpop: proof } });
  await replay.body?.cancel();
  await client.logout().catch(() => undefined);
  return {
    tokenType: tokens.tokenType,
    ownStatus: own.status,
    replayStatus: replay.status,
    replayChallenge: replay.headers.get('www-authenticate') ?? '',
  };
}

export function dpopLines(outcome: DpopOutcome): string[] {
  return [
    'DPoP (RFC 9449), played at start since curl cannot sign a proof:',
    `  ${DEMO_USERNAME} signed in with @tollgate/client and got a ${outcome.tokenType} token, bound to a key it generated.`,
    `  GET /data with a proof from that key:               ${outcome.ownStatus}`,
    `  GET /data with the same token, another key's proof: ${outcome.replayStatus}`,
    `      WWW-Authenticate: ${outcome.replayChallenge}`,
  ];
}
