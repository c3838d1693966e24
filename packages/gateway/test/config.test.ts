import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { GatewayConfigError, loadGatewayConfig, parseGatewayConfig } from '../src/index.js';

const folder = mkdtempSync(join(tmpdir(), 'tollgate-gateway-config-'));
after(() => rmSync(folder, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = join(folder, name);
  writeFileSync(file, text);
  return file;
}

function problemsOf(action: () => unknown): readonly string[] {
  try {
    action();
  } catch (error) {
    assert.ok(error instanceof GatewayConfigError, `expected a GatewayConfigError, got ${String(error)}`);
    return error.problems;
  }
  assert.fail('the configuration was accepted');
}

const VALID = `# a gateway in front of the data API
issuer: https://auth.example.com
audience: https://api.example.com
routes:
  - path: /data
    upstream: http://127.0.0.1:9000
    scopes: read:data
`;

describe('loadGatewayConfig', () => {
  it('accepts a minimal file and fills in the defaults', () => {
    const config = loadGatewayConfig(write('minimal.yaml', VALID), {});
    assert.equal(config.listen.host, '127.0.0.1');
    assert.equal(config.forwardToken, false);
    assert.deepEqual(config.identityHeaders, {
      subject: 'X-Tollgate-Subject',
      client: 'X-Tollgate-Client',
      scopes: 'X-Tollgate-Scopes',
    });
    assert.deepEqual(config.routes[0]?.scopes, ['read:data']);
    assert.deepEqual(config.routes[0]?.upstream, { origin: 'http://127.0.0.1:9000', basePath: '' });
    assert.equal(config.forwardAuth.path, '/_tollgate/auth');
    assert.ok(Object.isFrozen(config.routes[0]));
  });

  it('reads the DPoP settings: defaults, per route, the public URL, and the nonce secret from the environment', () => {
    const defaults = loadGatewayConfig(write('dpop-defaults.yaml', VALID), {});
    assert.equal(defaults.dpop, 'allowed');
    assert.equal(defaults.dpopNonce, false);
    assert.equal(defaults.publicUrl, undefined);
    const file = write(
      'dpop.yaml',
      `${VALID}    dpop: required\n    dpopNonce: true\npublicUrl: https://API.example.com/base/\ndpop: required\n`,
    );
    const secret = 'x'.repeat(32);
    const config = loadGatewayConfig(file, { TOLLGATE_GATEWAY_DPOP_NONCE_SECRET: secret });
    assert.equal(config.publicUrl, 'https://api.example.com/base');
    assert.equal(config.dpop, 'required');
    assert.equal(config.routes[0]?.dpop, 'required');
    assert.equal(config.routes[0]?.dpopNonce, true);
    assert.equal(config.dpopNonceSecret, secret);
    const bad = write('dpop-bad.yaml', `${VALID}    dpop: sometimes\npublicUrl: https://api.example.com/?a=1\n`);
    const problems = problemsOf(() => loadGatewayConfig(bad, { TOLLGATE_GATEWAY_DPOP_NONCE_SECRET: 'short' }));
    assert.deepEqual(
      [...problems].sort(),
      [
        `${bad}:8: routes[0].dpop: must be one of allowed, required`,
        `${bad}:9: publicUrl: must not contain credentials, a query or a fragment`,
        'dpopNonceSecret (from TOLLGATE_GATEWAY_DPOP_NONCE_SECRET): must be at least 32 characters',
      ].sort(),
    );
  });

  it('names the file, the line and the field of every problem', () => {
    const file = write(
      'gateway.yaml',
      `issuer: https://auth.example.com
audience: https://api.example.com
timeouts:
  upstreamMs: soon
routes:
  - path: /data
    upstream: http://127.0.0.1:9000
  - path: /admin
    upstream: ftp://files.example.com
    methods: [GET, "BAD METHOD"]
  - path: /x/../y
    upstream: http://127.0.0.1:9001
    colour: blue
`,
    );
    const problems = problemsOf(() => loadGatewayConfig(file, {}));
    assert.ok(problems.includes(`${file}:4: timeouts.upstreamMs: must be an integer`), problems.join('\n'));
    assert.ok(problems.includes(`${file}:9: routes[1].upstream: must be an http(s) URL`), problems.join('\n'));
    assert.ok(
      problems.includes(`${file}:10: routes[1].methods[1]: must be an HTTP method such as GET`),
      problems.join('\n'),
    );
    assert.ok(
      problems.includes(`${file}:11: routes[2].path: must be written in normal form (/y)`),
      problems.join('\n'),
    );
    assert.ok(problems.includes(`${file}:13: routes[2].colour: is not a known setting`), problems.join('\n'));
  });

  it('names the line of a bad creditCost, and refuses one on a public route', () => {
    const file = write(
      'credits.yaml',
      `issuer: https://auth.example.com
audience: https://api.example.com
routes:
  - path: /data
    upstream: http://127.0.0.1:9000
    creditCost: 0
  - path: /open
    upstream: http://127.0.0.1:9000
    public: true
    creditCost: 2
  - path: /costly
    upstream: http://127.0.0.1:9000
    creditCost: 5
`,
    );
    assert.deepEqual([...problemsOf(() => loadGatewayConfig(file, {}))].sort(), [
      `${file}:10: routes[1].creditCost: a public route has no token to charge`,
      `${file}:6: routes[0].creditCost: must be at least 1`,
    ]);
  });

  it('points a missing setting at its enclosing entry', () => {
    const file = write(
      'missing.yaml',
      'issuer: https://auth.example.com\nroutes:\n  - path: /data\n    public: false\n',
    );
    const problems = problemsOf(() => loadGatewayConfig(file, {}));
    assert.deepEqual(problems, [`${file}:3: routes[0].upstream: is required`]);
    const noAudience = write(
      'audience.yaml',
      'issuer: https://auth.example.com\nroutes:\n  - path: /data\n    upstream: http://127.0.0.1:1\n',
    );
    assert.deepEqual(
      problemsOf(() => loadGatewayConfig(noAudience, {})),
      [
        `${noAudience}:3: routes[0].audience: is required (here or as the top-level audience) unless the route is public`,
      ],
    );
  });

  it('reports YAML syntax errors with their line', () => {
    const file = write('broken.yaml', 'issuer: https://auth.example.com\nroutes:\n  - path: /data\n   upstream: [\n');
    const [problem] = problemsOf(() => loadGatewayConfig(file, {}));
    assert.match(problem ?? '', new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+: not valid YAML`));
  });

  it('refuses plain HTTP off loopback unless TLS or a trusted proxy is configured', () => {
    const open = (extra: string) => write('listen.yaml', `${VALID}listen:\n  host: 0.0.0.0\n${extra}`);
    const problems = problemsOf(() => loadGatewayConfig(open(''), {}));
    assert.ok(
      problems.some((problem) => /:\d+: listen\.host: plain HTTP is served only on a loopback address/.test(problem)),
    );
    const behindProxy = loadGatewayConfig(
      write('proxied.yaml', `${VALID}listen:\n  host: 0.0.0.0\ntrustProxy: [10.0.0.0/8]\n`),
      {},
    );
    assert.deepEqual(behindProxy.trustProxy, ['10.0.0.0/8']);
    const tls = loadGatewayConfig(open('  tls:\n    certFile: cert.pem\n    keyFile: key.pem\n'), {});
    assert.equal(tls.listen.tls?.certFile, join(folder, 'cert.pem'), 'TLS files are relative to the config file');
  });

  it('refuses an http issuer off loopback, overlapping routes and scopes on public routes', () => {
    const problems = problemsOf(() =>
      parseGatewayConfig({
        issuer: 'http://auth.example.com',
        audience: 'https://api.example.com',
        routes: [
          { path: '/data', upstream: 'http://127.0.0.1:1', methods: ['GET', 'POST'] },
          { path: '/data', upstream: 'http://127.0.0.1:2', methods: ['post'] },
          { path: '/open', upstream: 'http://127.0.0.1:3', public: true, scopes: ['read'] },
        ],
      }),
    );
    assert.deepEqual([...problems].sort(), [
      'configuration: issuer: must use https unless it is a loopback address',
      'configuration: routes[1].path: overlaps routes[0] (same path and method)',
      'configuration: routes[2].scopes: a public route cannot require scopes',
    ]);
  });

  it('takes metadata headers per route, refusing duplicates, identity headers and public routes', () => {
    const config = parseGatewayConfig({
      issuer: 'https://auth.example.com',
      audience: 'https://api.example.com',
      routes: [
        {
          path: '/data',
          upstream: 'http://127.0.0.1:1',
          forwardMetadata: { plan: 'X-Customer-Plan' },
          forwardExternalId: 'X-Customer-Id',
        },
      ],
    });
    assert.deepEqual(config.routes[0]?.forwardMetadata, { plan: 'X-Customer-Plan' });
    assert.equal(config.routes[0]?.forwardExternalId, 'X-Customer-Id');
    const problems = problemsOf(() =>
      parseGatewayConfig({
        issuer: 'https://auth.example.com',
        audience: 'https://api.example.com',
        routes: [
          { path: '/a', upstream: 'http://127.0.0.1:1', forwardMetadata: { a: 'X-One', b: 'x-one' } },
          { path: '/b', upstream: 'http://127.0.0.1:2', forwardExternalId: 'X-Tollgate-Customer' },
          { path: '/c', upstream: 'http://127.0.0.1:3', public: true, forwardMetadata: { a: 'X-Plan' } },
          { path: '/d', upstream: 'http://127.0.0.1:4', forwardMetadata: { a: 'Host' } },
        ],
      }),
    );
    assert.deepEqual([...problems].sort(), [
      'configuration: routes[0].forwardMetadata: each header may carry one value',
      'configuration: routes[1].forwardMetadata: must not name an identity header (X-Tollgate-* or identityHeaders)',
      'configuration: routes[2].forwardMetadata: a public route has no token whose metadata could be forwarded',
      'configuration: routes[3].forwardMetadata.a: is a header the gateway manages itself',
    ]);
  });

  it('takes the client secret from TOLLGATE_GATEWAY_CLIENT_SECRET and requires one for a client', () => {
    const file = write('client.yaml', `${VALID}client:\n  clientId: gateway\n`);
    const problems = problemsOf(() => loadGatewayConfig(file, {}));
    assert.ok(
      problems.some((problem) => problem.includes('client.clientSecret: is required')),
      problems.join('\n'),
    );
    const config = loadGatewayConfig(file, { TOLLGATE_GATEWAY_CLIENT_SECRET: 's3cret-from-env' });
    assert.equal(config.client?.clientSecret, 's3cret-from-env');
  });

  it('requires an explicit forward-auth mode and the proxy that asks in trustProxy', () => {
    const enabled = (extra: string) => write('forward-auth.yaml', `${VALID}forwardAuth:\n  enabled: true\n${extra}`);
    const problems = problemsOf(() => loadGatewayConfig(enabled(''), {}));
    assert.deepEqual(
      [...problems].sort(),
      [
        `${join(folder, 'forward-auth.yaml')}:8: forwardAuth.mode: is required with forward-auth: one of nginx, traefik, envoy`,
        `${join(folder, 'forward-auth.yaml')}: trustProxy: is required with forward-auth: list the proxy that asks (no one else is answered)`,
      ].sort(),
    );
    const wrongMode = problemsOf(() => loadGatewayConfig(enabled('  mode: haproxy\ntrustProxy: [127.0.0.1]\n'), {}));
    assert.deepEqual(wrongMode, [
      `${join(folder, 'forward-auth.yaml')}:10: forwardAuth.mode: must be one of nginx, traefik, envoy`,
    ]);
    const config = loadGatewayConfig(enabled('  mode: traefik\ntrustProxy: [127.0.0.1]\n'), {});
    assert.equal(config.forwardAuth.mode, 'traefik');
  });

  it('names the environment variable a bad value came from', () => {
    const file = write('redis.yaml', `${VALID}redis:\n  keyPrefix: 'gw1:'\n`);
    assert.deepEqual(
      problemsOf(() => loadGatewayConfig(file, { REDIS_URL: 'redis:///0' })),
      ['redis.url (from REDIS_URL): must be a redis:// or rediss:// URL'],
    );
    const config = loadGatewayConfig(file, { REDIS_URL: 'redis://cache.internal:6379' });
    assert.deepEqual(config.redis, { url: 'redis://cache.internal:6379', keyPrefix: 'gw1:' });
  });

  it('reads a JSON file, naming the line of a bad value and calling a syntax error a JSON one', () => {
    const settings = {
      issuer: 'https://auth.example.com',
      audience: 'https://api.example.com',
      routes: [{ path: '/data', upstream: 'ftp://files.example.com' }],
    };
    const file = write('gateway.json', JSON.stringify(settings, null, 2));
    assert.deepEqual(
      problemsOf(() => loadGatewayConfig(file, {})),
      [`${file}:7: routes[0].upstream: must be an http(s) URL`],
    );
    const broken = write('broken.json', '{\n  "issuer": "https://auth.example.com"\n  "routes": []\n}\n');
    assert.match(problemsOf(() => loadGatewayConfig(broken, {}))[0] ?? '', /broken\.json:3: not valid JSON: /);
  });

  it('refuses a file whose name does not say YAML or JSON', () => {
    const file = write('gateway.conf', VALID);
    assert.deepEqual(
      problemsOf(() => loadGatewayConfig(file, {})),
      [`${file}: a config file must end in .yaml, .yml or .json`],
    );
  });

  it('reads numbers and true/false written as text, as the server does', () => {
    const file = write(
      'text.yaml',
      `issuer: https://auth.example.com
listen:
  port: "8443"
forwardToken: "off"
routes:
  - path: /status
    upstream: http://127.0.0.1:9000
    public: "yes"
`,
    );
    const config = loadGatewayConfig(file, {});
    assert.equal(config.listen.port, 8443);
    assert.equal(config.routes[0]?.public, true);
    assert.equal(config.forwardToken, false);
  });

  it('words a value of the wrong kind that its schema leaves unworded', () => {
    const file = write('kind.yaml', `${VALID}listen: 8000\n`);
    assert.deepEqual(
      problemsOf(() => loadGatewayConfig(file, {})),
      [`${file}:8: listen: must be an object`],
    );
  });

  it('says so when the file cannot be read', () => {
    const [problem] = problemsOf(() => loadGatewayConfig(join(folder, 'absent.yaml'), {}));
    assert.match(problem ?? '', /cannot read .*absent\.yaml: ENOENT/);
  });
});
