import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as sdk from '../src/index.js';

describe('the public surface of @tollgate/verify', () => {
  it('exports what an API needs and none of the machinery behind the verifier', () => {
    // The cache, deny list, key store, stream and SSE parser are internals: exporting them would make every
    // change to them a breaking change for users who never needed them.
    assert.deepEqual(Object.keys(sdk).sort(), [
      'BearerError',
      'FetchError',
      'MemoryDpopReplayCache',
      'createVerifier',
      'dpopChallenge',
      'extractBearerToken',
      'extractCredentials',
      'importJwk',
      'importJwks',
      'parseAuthorizationHeader',
      'requireScopes',
    ]);
  });
});
