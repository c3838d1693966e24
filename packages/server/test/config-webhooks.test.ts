import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../src/config-load.js';
import { tollgateConfigOf } from '../src/open.js';

describe('webhooks.allowPrivateNetworks', () => {
  it('is off by default, and reaches the core', () => {
    const config = loadConfig();
    assert.deepEqual(config.webhooks, { allowPrivateNetworks: false });
    assert.deepEqual(tollgateConfigOf(config).webhooks, { allowPrivateNetworks: false });
  });

  it('is set by TOLLGATE_WEBHOOKS_ALLOW_PRIVATE_NETWORKS', () => {
    const config = loadConfig({ env: { TOLLGATE_WEBHOOKS_ALLOW_PRIVATE_NETWORKS: 'true' } });
    assert.deepEqual(tollgateConfigOf(config).webhooks, { allowPrivateNetworks: true });
  });

  it('names the variable when its value is not a boolean', () => {
    assert.throws(
      () => loadConfig({ env: { TOLLGATE_WEBHOOKS_ALLOW_PRIVATE_NETWORKS: 'sometimes' } }),
      (error: unknown) =>
        error instanceof ConfigError &&
        /^webhooks\.allowPrivateNetworks \(from TOLLGATE_WEBHOOKS_ALLOW_PRIVATE_NETWORKS\): /.test(
          error.problems[0] ?? '',
        ),
    );
  });
});
