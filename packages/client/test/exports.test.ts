import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as axiosEntry from '../src/resource/axios.js';
import * as browserEntry from '../src/browser/index.js';
import * as client from '../src/index.js';

describe('the public surface of @tollgate/client', () => {
  it('exports the client, its storages and errors, and none of the machinery behind them', () => {
    assert.deepEqual(Object.keys(client).sort(), [
      'ClientError',
      'InsufficientScopeError',
      'InvalidTokenError',
      'LoginRequiredError',
      'OAuthError',
      'TollgateClient',
      'createClient',
      'dpopProof',
      'generateDpopKeyPair',
      'memoryStorage',
      'webStorage',
    ]);
    assert.deepEqual(Object.keys(axiosEntry), ['attachTollgate']);
    assert.deepEqual(Object.keys(browserEntry).sort(), [
      'completeRedirectLogin',
      'indexedDbDpopKeyPair',
      'indexedDbStorage',
      'isRedirectCallback',
      'startRedirectLogin',
    ]);
  });
});
