import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ClientError, OAuthError } from '../src/errors.js';
import { buildAuthorizationRequest, codeFromResponse } from '../src/oauth/authorization.js';
import { codeChallengeOf } from '../src/oauth/pkce.js';

const ISSUER = 'https://auth.example.com';

function errorCode(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return error instanceof ClientError ? error.code : String(error);
  }
}

describe('the authorization code flow with PKCE', () => {
  it('computes the S256 challenge of RFC 7636 appendix B', async () => {
    assert.equal(
      await codeChallengeOf('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'),
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });

  it('builds the authorization URL: S256 challenge, state, scope, resources, dpop_jkt, extra parameters', async () => {
    const request = await buildAuthorizationRequest(
      `${ISSUER}/authorize?tenant=a`,
      'app',
      {
        redirectUri: 'http://127.0.0.1:5000/callback',
        scope: ['openid', 'read:data'],
        resource: ['https://a.example', 'https://b.example'],
        extraParams: { prompt: 'consent', state: 'ignored' },
      },
      'thumb',
    );
    const url = new URL(request.url);
    assert.equal(url.searchParams.get('tenant'), 'a');
    assert.equal(url.searchParams.get('response_type'), 'code');
    assert.equal(url.searchParams.get('client_id'), 'app');
    assert.equal(url.searchParams.get('state'), request.state, 'ours, not the extra one');
    assert.equal(url.searchParams.get('code_challenge'), await codeChallengeOf(request.codeVerifier));
    assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
    assert.equal(url.searchParams.get('scope'), 'openid read:data');
    assert.deepEqual(url.searchParams.getAll('resource'), ['https://a.example', 'https://b.example']);
    assert.equal(url.searchParams.get('dpop_jkt'), 'thumb');
    assert.equal(url.searchParams.get('prompt'), 'consent');
    assert.match(request.codeVerifier, /^[A-Za-z0-9_-]{43}$/);
  });

  it('checks state before iss, and iss before reading the code or the error', () => {
    const pending = { state: 's', codeVerifier: 'v', redirectUri: 'http://127.0.0.1/cb' };
    const checks = { issuer: ISSUER, issRequired: true };
    const response = (query: string) => `http://127.0.0.1/cb?${query}`;
    const iss = `iss=${encodeURIComponent(ISSUER)}`;
    assert.equal(codeFromResponse(response(`code=c&state=s&${iss}`), pending, checks), 'c');
    assert.equal(
      errorCode(() => codeFromResponse(response(`code=c&${iss}`), pending, checks)),
      'ERR_STATE_MISMATCH',
    );
    assert.equal(
      errorCode(() => codeFromResponse(response('code=c&state=s'), pending, checks)),
      'ERR_ISSUER_MISMATCH',
    );
    assert.equal(
      codeFromResponse(response('code=c&state=s'), pending, { ...checks, issRequired: false }),
      'c',
      'no iss from a server that never promised one (RFC 9207 2.4)',
    );
    assert.equal(
      errorCode(() => codeFromResponse(response('error=access_denied&state=s&iss=https://evil'), pending, checks)),
      'ERR_ISSUER_MISMATCH',
    );
    assert.throws(
      () => codeFromResponse(response(`error=access_denied&error_description=no&state=s&${iss}`), pending, checks),
      (error: unknown) =>
        error instanceof OAuthError && error.error === 'access_denied' && error.errorDescription === 'no',
    );
    assert.equal(
      errorCode(() => codeFromResponse(response(`state=s&${iss}`), pending, checks)),
      'ERR_RESPONSE_INVALID',
    );
  });
});
