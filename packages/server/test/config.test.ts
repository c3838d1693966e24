import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { DEFAULT_BRUTE_FORCE_LIMITS } from '@tollgate/core';
import { ConfigError, loadConfig } from '../src/config-load.js';
import { tempDir } from './temp-dir.js';

function configFile(name: string, content: string): string {
  const dir = tempDir('tollgate-config-');
  const file = join(dir, name);
  writeFileSync(file, content);
  return file;
}

function problemsOf(action: () => unknown): readonly string[] {
  try {
    action();
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return error.problems;
  }
  assert.fail('expected the configuration to be refused');
}

describe('configuration defaults', () => {
  it('runs on loopback with safe defaults when nothing is set', () => {
    const config = loadConfig();
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.port, 8080);
    assert.equal(config.issuer, 'http://127.0.0.1:8080');
    assert.equal(config.dataDir, resolve('tollgate-data'));
    assert.equal(config.databaseFile, resolve('tollgate-data', 'tollgate.db'));
    assert.equal(config.signingAlgorithm, 'EdDSA');
    assert.equal(config.accessTokenTtlSeconds, 900);
    assert.equal(config.refreshTokenTtlSeconds, 30 * 86_400);
    assert.equal(config.refreshTokenMaxLifetimeSeconds, 90 * 86_400);
    assert.equal(config.clockToleranceSeconds, 5);
    assert.equal(config.passwordLogin, true);
    assert.equal(config.bodyLimitBytes, 65_536);
    assert.equal(config.trustProxy, false);
    assert.equal(config.logLevel, 'info');
    assert.deepEqual(config.bruteForce, DEFAULT_BRUTE_FORCE_LIMITS);
  });

  it('is frozen, nested objects included', () => {
    const config = loadConfig({ flags: { tlsCert: 'c.pem', tlsKey: 'k.pem' } });
    assert.ok(Object.isFrozen(config));
    assert.ok(Object.isFrozen(config.tls));
    assert.ok(Object.isFrozen(config.bruteForce.account));
  });
});

describe('configuration precedence: defaults < file < environment < flags', () => {
  const file = configFile('tollgate.yaml', 'port: 9000\nhost: localhost\nlogLevel: warn\npasswordLogin: false\n');

  it('takes the file over the defaults', () => {
    const config = loadConfig({ configFile: file });
    assert.equal(config.port, 9000);
    assert.equal(config.issuer, 'http://localhost:9000');
    assert.equal(config.passwordLogin, false);
  });

  it('takes the environment over the file', () => {
    const config = loadConfig({ configFile: file, env: { TOLLGATE_PORT: '9100', TOLLGATE_PASSWORD_LOGIN: 'true' } });
    assert.equal(config.port, 9100);
    assert.equal(config.passwordLogin, true);
    assert.equal(config.logLevel, 'warn');
  });

  it('takes flags over the environment', () => {
    const config = loadConfig({ configFile: file, env: { TOLLGATE_PORT: '9100' }, flags: { port: '9200' } });
    assert.equal(config.port, 9200);
  });

  it('treats an empty environment variable as unset', () => {
    assert.equal(loadConfig({ configFile: file, env: { TOLLGATE_PORT: '' } }).port, 9000);
  });

  it('reads JSON files too, and resolves their paths against the file folder', () => {
    const json = configFile(
      'tollgate.json',
      JSON.stringify({ dataDir: 'data', tls: { certFile: 'c.pem', keyFile: 'k.pem' } }),
    );
    const config = loadConfig({ configFile: json });
    assert.equal(config.dataDir, join(resolve(json, '..'), 'data'));
    assert.equal(config.tls?.certFile, join(resolve(json, '..'), 'c.pem'));
  });

  it('merges a nested setting from two sources', () => {
    const partial = configFile('tls.yaml', 'tls:\n  certFile: /etc/tollgate/cert.pem\n');
    const config = loadConfig({ configFile: partial, flags: { tlsKey: '/etc/tollgate/key.pem' } });
    assert.deepEqual(config.tls, { certFile: '/etc/tollgate/cert.pem', keyFile: '/etc/tollgate/key.pem' });
  });
});

describe('configuration errors name the field and its source: file and line, variable or flag', () => {
  it('names the environment variable', () => {
    const [problem] = problemsOf(() => loadConfig({ env: { TOLLGATE_PORT: '70000' } }));
    assert.equal(problem, 'port (from TOLLGATE_PORT): must be at most 65535');
  });

  it('names the flag', () => {
    const [problem] = problemsOf(() => loadConfig({ flags: { port: 'eighty' } }));
    assert.match(problem ?? '', /^port \(from --port\): must be an integer/);
  });

  it('names the file and the line', () => {
    const file = configFile('bad.yaml', 'port: 9000\naccessTokenTtl: 15 minutes\n');
    const [problem] = problemsOf(() => loadConfig({ configFile: file }));
    assert.equal(problem, `${file}:2: accessTokenTtl: must be a duration such as 30s, 15m, 12h or 30d`);
  });

  it('names the line in a JSON file too', () => {
    const file = configFile(
      'bad.json',
      '{\n  "port": 9000,\n  "tls": {\n    "certFile": "",\n    "keyFile": "k.pem"\n  }\n}\n',
    );
    assert.deepEqual(
      problemsOf(() => loadConfig({ configFile: file })),
      [`${file}:4: tls.certFile: must not be empty`],
    );
  });

  it('names the line of a syntax error', () => {
    const yaml = configFile('broken.yaml', 'port: 9000\ntls:\n  certFile: [\n');
    assert.match(problemsOf(() => loadConfig({ configFile: yaml }))[0] ?? '', /^.*broken\.yaml:\d+: not valid YAML: /);
    const json = configFile('broken.json', '{\n  "port": 9000\n  "host": "localhost"\n}\n');
    assert.match(problemsOf(() => loadConfig({ configFile: json }))[0] ?? '', /^.*broken\.json:3: not valid JSON: /);
  });

  it('says a setting left out is required, at the line of the mapping it belongs in', () => {
    const file = configFile('half.yaml', 'port: 9000\ntls:\n  certFile: cert.pem\n');
    assert.deepEqual(
      problemsOf(() => loadConfig({ configFile: file })),
      [`${file}:2: tls.keyFile: is required`],
    );
    // Set by nothing: no source to name (--tls-cert did not leave it out).
    assert.deepEqual(
      problemsOf(() => loadConfig({ flags: { tlsCert: '/etc/tollgate/cert.pem' } })),
      ['tls.keyFile: is required'],
    );
  });

  it('refuses a Redis URL without a host, as from a variable that was not filled in', () => {
    const [problem] = problemsOf(() => loadConfig({ env: { REDIS_URL: 'redis:///0' } }));
    assert.equal(problem, 'redis (from REDIS_URL): must be a redis:// or rediss:// URL');
  });

  it('refuses a __proto__ key as an unknown setting and leaves Object.prototype alone', () => {
    const file = configFile('proto.json', '{"__proto__": {"polluted": true}}');
    assert.deepEqual(
      problemsOf(() => loadConfig({ configFile: file })),
      [`${file}:1: __proto__: is not a known setting`],
    );
    assert.equal(Object.hasOwn(Object.prototype, 'polluted'), false);
  });

  it('names an unknown setting', () => {
    const file = configFile('typo.yaml', 'prot: 80\n');
    assert.deepEqual(
      problemsOf(() => loadConfig({ configFile: file })),
      [`${file}:1: prot: is not a known setting`],
    );
  });

  it('reports every problem at once', () => {
    const problems = problemsOf(() =>
      loadConfig({ env: { TOLLGATE_LOG_LEVEL: 'loud', TOLLGATE_SIGNING_ALGORITHM: 'HS256' } }),
    );
    assert.equal(problems.length, 2);
    assert.ok(problems.some((p) => p.startsWith('logLevel (from TOLLGATE_LOG_LEVEL): must be one of')));
    assert.ok(problems.some((p) => p.startsWith('signingAlgorithm (from TOLLGATE_SIGNING_ALGORITHM): must be one of')));
  });

  it('refuses a token lifetime outside its bounds', () => {
    const [problem] = problemsOf(() => loadConfig({ env: { TOLLGATE_ACCESS_TOKEN_TTL: '2d' } }));
    assert.equal(problem, 'accessTokenTtl (from TOLLGATE_ACCESS_TOKEN_TTL): must be between 1m and 1d');
  });

  it('reads the refresh-token family lifetime from TOLLGATE_REFRESH_TOKEN_MAX_LIFETIME, within its bounds', () => {
    const config = loadConfig({ env: { TOLLGATE_REFRESH_TOKEN_MAX_LIFETIME: '180d' } });
    assert.equal(config.refreshTokenMaxLifetimeSeconds, 180 * 86_400);
    const [problem] = problemsOf(() => loadConfig({ env: { TOLLGATE_REFRESH_TOKEN_MAX_LIFETIME: '30s' } }));
    assert.match(
      problem ?? '',
      /^refreshTokenMaxLifetime \(from TOLLGATE_REFRESH_TOKEN_MAX_LIFETIME\): must be between 1m and /,
    );
  });

  it('signs the dashboard in with a password unless dashboard.signIn says oauth, and refuses anything else', () => {
    assert.equal(loadConfig().dashboard.signIn, 'password');
    const file = configFile('dashboard.yaml', 'dashboard:\n  signIn: oauth\n');
    assert.equal(loadConfig({ configFile: file }).dashboard.signIn, 'oauth');
    assert.equal(loadConfig({ env: { TOLLGATE_DASHBOARD_SIGN_IN: 'oauth' } }).dashboard.signIn, 'oauth');
    const [problem] = problemsOf(() => loadConfig({ env: { TOLLGATE_DASHBOARD_SIGN_IN: 'sso' } }));
    assert.equal(problem, 'dashboard.signIn (from TOLLGATE_DASHBOARD_SIGN_IN): must be one of password, oauth');
  });

  it('refuses a duration of the wrong type', () => {
    const file = configFile('ttl.yaml', 'refreshTokenTtl: true\n');
    const [problem] = problemsOf(() => loadConfig({ configFile: file }));
    assert.equal(problem, `${file}:1: refreshTokenTtl: must be a duration such as 30s, 15m, 12h or 30d`);
  });

  it('refuses an encryption key written into a config file', () => {
    const file = configFile('secret.yaml', 'port: 9000\nencryptionKey: abc\n');
    const [problem] = problemsOf(() => loadConfig({ configFile: file }));
    assert.equal(
      problem,
      `${file}:2: encryptionKey: not accepted in a config file; set TOLLGATE_ENCRYPTION_KEY or encryptionKeyFile`,
    );
  });

  it('reports a file that cannot be read or parsed', () => {
    assert.match(problemsOf(() => loadConfig({ configFile: '/nonexistent/tollgate.yaml' }))[0] ?? '', /ENOENT/);
    const broken = configFile('broken.json', '{"port": ');
    assert.match(problemsOf(() => loadConfig({ configFile: broken }))[0] ?? '', /not valid JSON/);
    const wrongType = configFile('tollgate.toml', 'port = 1');
    assert.match(problemsOf(() => loadConfig({ configFile: wrongType }))[0] ?? '', /must end in .yaml, .yml or .json/);
  });
});

describe('issuer', () => {
  it('is required when listening beyond loopback', () => {
    const [problem] = problemsOf(() => loadConfig({ flags: { host: '0.0.0.0' } }));
    assert.equal(problem, 'issuer: is required when host (0.0.0.0) is not a loopback address');
  });

  it('must use https unless it is loopback', () => {
    const [problem] = problemsOf(() => loadConfig({ env: { TOLLGATE_ISSUER: 'http://auth.example.com' } }));
    assert.equal(problem, 'issuer (from TOLLGATE_ISSUER): must use https unless it is a loopback address');
    assert.equal(loadConfig({ env: { TOLLGATE_ISSUER: 'http://localhost:3000' } }).issuer, 'http://localhost:3000');
  });

  it('must be a bare origin, normalized without a trailing slash', () => {
    assert.equal(loadConfig({ flags: { issuer: 'https://Auth.Example.com/' } }).issuer, 'https://auth.example.com');
    for (const issuer of [
      'https://auth.example.com/oauth',
      'https://auth.example.com/?x=1',
      'https://u:p@auth.example.com',
      'auth.example.com',
    ]) {
      assert.equal(problemsOf(() => loadConfig({ flags: { issuer } })).length, 1, issuer);
    }
  });

  it('puts an IPv6 loopback host in brackets', () => {
    assert.equal(loadConfig({ flags: { host: '::1', port: '8081' } }).issuer, 'http://[::1]:8081');
  });
});

describe('security values are bounded', () => {
  it('clamps the clock tolerance to 0..60 seconds', () => {
    assert.equal(loadConfig({ env: { TOLLGATE_CLOCK_TOLERANCE: '10m' } }).clockToleranceSeconds, 60);
    assert.equal(loadConfig({ env: { TOLLGATE_CLOCK_TOLERANCE: '0s' } }).clockToleranceSeconds, 0);
  });

  it('clamps the body limit to 1 KiB..1 MiB', () => {
    assert.equal(loadConfig({ env: { TOLLGATE_BODY_LIMIT_BYTES: '10' } }).bodyLimitBytes, 1024);
    assert.equal(loadConfig({ env: { TOLLGATE_BODY_LIMIT_BYTES: '999999999' } }).bodyLimitBytes, 1_048_576);
  });

  it('accepts trusted proxies as addresses and CIDR ranges, from a list or a comma-separated variable', () => {
    assert.deepEqual(loadConfig({ env: { TOLLGATE_TRUST_PROXY: '10.0.0.0/8, ::1' } }).trustProxy, [
      '10.0.0.0/8',
      '::1',
    ]);
    const file = configFile('proxy.yaml', 'trustProxy:\n  - 192.168.1.10\n');
    assert.deepEqual(loadConfig({ configFile: file }).trustProxy, ['192.168.1.10']);
  });

  it('reads TOLLGATE_TRUST_PROXY=false as no trusted proxy', () => {
    assert.equal(loadConfig({ env: { TOLLGATE_TRUST_PROXY: 'false' } }).trustProxy, false);
  });

  it('refuses a trusted proxy that is not an address or range, or trusting everyone', () => {
    const [problem] = problemsOf(() => loadConfig({ env: { TOLLGATE_TRUST_PROXY: 'proxy.internal' } }));
    assert.match(problem ?? '', /^trustProxy \(from TOLLGATE_TRUST_PROXY\): must be false or a list of IP addresses/);
    const file = configFile('everyone.yaml', 'trustProxy: true\n');
    assert.equal(problemsOf(() => loadConfig({ configFile: file })).length, 1);
    assert.equal(problemsOf(() => loadConfig({ env: { TOLLGATE_TRUST_PROXY: '10.0.0.0/33' } })).length, 1);
  });

  it('refuses brute-force limits where slowing starts after blocking', () => {
    const file = configFile('limits.yaml', 'bruteForce:\n  account:\n    slowAfter: 20\n    blockAfter: 10\n');
    const [problem] = problemsOf(() => loadConfig({ configFile: file }));
    assert.equal(problem, `${file}:2: bruteForce.account: slowAfter must not exceed blockAfter`);
  });

  it('fills unset brute-force limits from the core defaults', () => {
    const file = configFile('limits.yaml', 'bruteForce:\n  windowSeconds: 600\n');
    const config = loadConfig({ configFile: file });
    assert.equal(config.bruteForce.windowSeconds, 600);
    assert.deepEqual(config.bruteForce.address, DEFAULT_BRUTE_FORCE_LIMITS.address);
  });
});

describe('management settings', () => {
  it('default to 90-day API tokens, no never-expiring ones, 8-hour sessions idle after 30 minutes', () => {
    assert.deepEqual(loadConfig().management, {
      apiTokenDefaultTtlSeconds: 90 * 86_400,
      allowNeverExpiringApiTokens: false,
      sessionTtlSeconds: 8 * 3600,
      sessionIdleTimeoutSeconds: 30 * 60,
    });
  });

  it('are read from the file and from TOLLGATE_ variables, the environment winning', () => {
    const file = configFile('m.yaml', 'management:\n  sessionTtl: 2h\n  sessionIdleTimeout: 10m\n');
    const config = loadConfig({
      configFile: file,
      env: {
        TOLLGATE_SESSION_IDLE_TIMEOUT: '2m',
        TOLLGATE_API_TOKEN_DEFAULT_TTL: '30d',
        TOLLGATE_ALLOW_NEVER_EXPIRING_API_TOKENS: 'true',
      },
    });
    assert.deepEqual(config.management, {
      apiTokenDefaultTtlSeconds: 30 * 86_400,
      allowNeverExpiringApiTokens: true,
      sessionTtlSeconds: 2 * 3600,
      sessionIdleTimeoutSeconds: 120,
    });
  });

  it('name the field and source of a bad value', () => {
    const [problem] = problemsOf(() => loadConfig({ env: { TOLLGATE_SESSION_TTL: '30d' } }));
    assert.equal(problem, 'management.sessionTtl (from TOLLGATE_SESSION_TTL): must be between 5m and 7d');
    const [unknown] = problemsOf(() => loadConfig({ configFile: configFile('m.json', '{"management":{"ttl":1}}') }));
    assert.match(String(unknown), /m\.json:1: management\.ttl: is not a known setting$/);
  });
});

describe('metrics.listen', () => {
  it('is off by default', () => {
    assert.equal(loadConfig().metrics.listen, undefined);
  });

  it('takes host:port from the environment and the flag, IPv6 in brackets', () => {
    const fromEnv = loadConfig({ env: { TOLLGATE_METRICS_LISTEN: '127.0.0.1:9464' } });
    assert.deepEqual(fromEnv.metrics.listen, { host: '127.0.0.1', port: 9464 });
    const fromFlag = loadConfig({ flags: { metricsListen: '[::1]:9999' } });
    assert.deepEqual(fromFlag.metrics.listen, { host: '::1', port: 9999 });
  });

  it('refuses what is not host:port, naming the source', () => {
    for (const value of ['9464', '127.0.0.1', '127.0.0.1:70000', 'a b:1']) {
      assert.deepEqual(
        problemsOf(() => loadConfig({ env: { TOLLGATE_METRICS_LISTEN: value } })),
        ['metrics.listen (from TOLLGATE_METRICS_LISTEN): must be host:port, such as 127.0.0.1:9464 or [::1]:9464'],
      );
    }
  });

  it('refuses plain HTTP off loopback, and takes the address with TLS', () => {
    const [problem] = problemsOf(() => loadConfig({ flags: { metricsListen: '0.0.0.0:9464' } }));
    assert.match(
      problem ?? '',
      /^metrics\.listen.*plain HTTP is served only on a loopback address \(0\.0\.0\.0 is not\)/,
    );
    const tls = loadConfig({ flags: { metricsListen: '0.0.0.0:9464', tlsCert: 'c.pem', tlsKey: 'k.pem' } });
    assert.deepEqual(tls.metrics.listen, { host: '0.0.0.0', port: 9464 });
  });
});
