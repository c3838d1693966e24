import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isS256Challenge, verifierMatches } from '../src/authorization/pkce.js';
import { redirectUriMatches, redirectUriProblem } from '../src/authorization/redirect-uri.js';
import { authorizationResponseUrl } from '../src/authorization/response.js';

describe('redirect URIs (RFC 6749 3.1.2, RFC 8252 7.3)', () => {
  it('matches a registered URI exactly and nothing near it', () => {
    const registered = ['https://app.example/callback'];
    assert.equal(redirectUriMatches(registered, 'https://app.example/callback'), true);
    for (const near of [
      'https://app.example/callback/',
      'https://app.example/callback?x=1',
      'https://app.example:8443/callback',
      'https://APP.example/callback',
      'https://app.example/Callback',
      'http://app.example/callback',
    ]) {
      assert.equal(redirectUriMatches(registered, near), false, near);
    }
  });

  it('matches a loopback IP redirect on any port, but not another path or host', () => {
    const registered = ['http://127.0.0.1/callback', 'http://[::1]:8000/cb'];
    assert.equal(redirectUriMatches(registered, 'http://127.0.0.1:53117/callback'), true);
    assert.equal(redirectUriMatches(registered, 'http://127.0.0.1/callback'), true);
    assert.equal(redirectUriMatches(registered, 'http://[::1]:40000/cb'), true);
    assert.equal(redirectUriMatches(registered, 'http://127.0.0.1:53117/other'), false);
    assert.equal(redirectUriMatches(registered, 'http://localhost:53117/callback'), false);
    assert.equal(redirectUriMatches(['https://127.0.0.1/callback'], 'https://127.0.0.1:9/callback'), false);
  });

  it('registers https, loopback http and reverse-domain private-use schemes only', () => {
    for (const good of ['https://app.example/cb', 'http://127.0.0.1/cb', 'http://[::1]/cb', 'com.example.app:/cb']) {
      assert.equal(redirectUriProblem(good), undefined, good);
    }
    assert.match(redirectUriProblem('http://app.example/cb') ?? '', /use https/);
    assert.match(redirectUriProblem('https://app.example/cb#x') ?? '', /fragment/);
    assert.match(redirectUriProblem('/cb') ?? '', /absolute/);
    assert.match(redirectUriProblem('javascript:alert(1)') ?? '', /unsafe/);
    assert.match(redirectUriProblem('myapp:/cb') ?? '', /reverse domain/);
    assert.match(redirectUriProblem('https://user:pw@app.example/cb') ?? '', /credentials/);
  });
});

describe('PKCE S256 (RFC 7636)', () => {
  // RFC 7636 Appendix B.
  const verifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
  const challenge = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

  it('accepts the verifier of the challenge and refuses any other', () => {
    assert.equal(isS256Challenge(challenge), true);
    assert.equal(verifierMatches(challenge, verifier), true);
    assert.equal(verifierMatches(challenge, `${verifier.slice(0, -1)}A`), false);
    assert.equal(verifierMatches(challenge, challenge), false, 'the challenge is not its own verifier');
    assert.equal(verifierMatches(challenge, 'short'), false);
  });
});

describe('authorization response (RFC 6749 4.1.2, RFC 9207)', () => {
  it("keeps the redirect URI's query and adds the parameters, state and iss", () => {
    const url = authorizationResponseUrl(
      { redirectUri: 'https://app.example/cb?tenant=a', state: 'x y&z', issuer: 'https://auth.example' },
      { code: 'tgc_1' },
    );
    assert.equal(url, 'https://app.example/cb?tenant=a&code=tgc_1&state=x+y%26z&iss=https%3A%2F%2Fauth.example');
  });
});
