import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Conflict, InvalidRequest, NotFound, ServiceUnavailable } from '@tollgate/core';
import { ConfigError } from '@tollgate/server';
import { CommanderError } from 'commander';
import { EXIT_FAILURE, EXIT_USAGE, UsageError, describeFailure } from '../src/errors.js';

describe('exit statuses', () => {
  it("gives 2 for usage mistakes, on one line without commander's prefix", () => {
    const commander = new CommanderError(
      1,
      'commander.unknownOption',
      "error: unknown option '--scope'\n(Did you mean --scopes?)",
    );
    assert.deepEqual(describeFailure(commander), {
      exitCode: EXIT_USAGE,
      message: "unknown option '--scope' (Did you mean --scopes?)",
    });
    assert.equal(describeFailure(new UsageError('no terminal')).exitCode, EXIT_USAGE);
    assert.equal(describeFailure(new ConfigError(['port (from --port): must be at most 65535'])).exitCode, EXIT_USAGE);
    assert.deepEqual(describeFailure(new InvalidRequest('scopes: "a b" is not a valid scope')), {
      exitCode: EXIT_USAGE,
      message: 'scopes: "a b" is not a valid scope',
    });
  });

  it('gives 1 for a taken name, a missing record and other failures', () => {
    assert.equal(describeFailure(new Conflict('An API with identifier x exists')).exitCode, EXIT_FAILURE);
    assert.equal(describeFailure(new NotFound('No user named bob')).exitCode, EXIT_FAILURE);
    assert.equal(describeFailure(new ServiceUnavailable()).exitCode, EXIT_FAILURE);
    assert.deepEqual(describeFailure(new Error('listen EADDRINUSE: address already in use\n    at Server.listen')), {
      exitCode: EXIT_FAILURE,
      message: 'listen EADDRINUSE: address already in use',
    });
  });
});
