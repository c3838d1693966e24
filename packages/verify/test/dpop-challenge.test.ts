import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_DPOP_ALGORITHMS, DpopProofError } from '@tollgate/jwt';
import { BearerError, dpopChallenge } from '../src/index.js';

/** RFC 9110 11.6.1 challenge: the DPoP scheme, then auth-params with quoted-string values. */
const DPOP_CHALLENGE_SHAPE =
  /^DPoP (?:realm="(?:[\x20\x21\x23-\x5B\x5D-\x7E]|\\["\\])*", )?(?:[a-z_]+="[\x20\x21\x23-\x5B\x5D-\x7E]*"(?:, |$))+$/;

describe('dpopChallenge (RFC 9449 7.1)', () => {
  it('renders the bare challenge with the accepted algorithms', () => {
    assert.equal(dpopChallenge({ algs: DEFAULT_DPOP_ALGORITHMS }), 'DPoP algs="ES256 EdDSA"');
  });

  it('renders invalid_dpop_proof with the description of a refused proof', () => {
    const refused = new DpopProofError('ERR_DPOP_REPLAYED');
    assert.equal(
      dpopChallenge({ algs: ['ES256', 'EdDSA'], error: refused.error, description: refused.description }),
      'DPoP error="invalid_dpop_proof", error_description="The DPoP proof was already used", algs="ES256 EdDSA"',
    );
  });

  it("renders RFC 9449 7.1's key-binding example, with a realm", () => {
    const refused = new DpopProofError('ERR_DPOP_KEY_MISMATCH');
    assert.equal(
      dpopChallenge({ realm: 'api', algs: ['ES256'], error: refused.error, description: refused.description }),
      'DPoP realm="api", error="invalid_token", error_description="Invalid DPoP key binding", algs="ES256"',
    );
  });

  it('renders use_dpop_nonce and insufficient_scope with its scope', () => {
    const nonce = new DpopProofError('ERR_DPOP_NONCE_REQUIRED');
    assert.equal(
      dpopChallenge({ algs: ['EdDSA'], error: nonce.error, description: nonce.description }),
      'DPoP error="use_dpop_nonce", error_description="The DPoP proof must carry a server nonce", algs="EdDSA"',
    );
    assert.equal(
      dpopChallenge({ algs: ['EdDSA'], error: 'insufficient_scope', scope: 'read:data write:data' }),
      'DPoP error="insufficient_scope", scope="read:data write:data", algs="EdDSA"',
    );
  });

  it('sits beside the Bearer challenge in one header (RFC 9449 7.2)', () => {
    const header = `${BearerError.missing().challenge('api')}, ${dpopChallenge({ realm: 'api', algs: ['ES256'] })}`;
    assert.equal(header, 'Bearer realm="api", DPoP realm="api", algs="ES256"');
  });

  it('never lets a quote, control or non-ASCII character into the header', () => {
    const challenge = dpopChallenge({
      realm: 'a "realm"\r\nSet-Cookie: x=1é',
      algs: ['ES256"', 'Ed\nDSA'],
      error: 'invalid_dpop_proof',
      description: 'bad "quote" \\ and\nnewline',
      scope: 'a"b c\\d',
    });
    assert.match(challenge, DPOP_CHALLENGE_SHAPE);
    assert.ok(!/[\r\n\0]/.test(challenge));
    assert.ok(challenge.endsWith('algs="ES256 EdDSA"'));
  });

  it('refuses a challenge without algorithms with TypeError', () => {
    for (const init of [{ algs: [] }, {}, null, { algs: [42] }]) {
      assert.throws(() => dpopChallenge(init as never), TypeError);
    }
  });
});
