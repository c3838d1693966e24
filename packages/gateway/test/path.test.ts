import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseGatewayConfig } from '../src/index.js';
import { normalisePath, normaliseRequestTarget } from '../src/path.js';
import { RouteTable, upstreamPathFor } from '../src/routes.js';

describe('normalisePath', () => {
  const cases: Array<[string, string]> = [
    ['/', '/'],
    ['/data', '/data'],
    ['/data/', '/data/'],
    ['//data//items', '/data/items'],
    ['/./data/./items', '/data/items'],
    ['/data/items/..', '/data/'],
    ['/a/b/../../data', '/data'],
    ['/%64ata', '/data'],
    ['/x/..%2e/data', '/x/.../data'],
    ['/x/%2e%2e/data', '/data'],
    ['/x/.%2E/data', '/data'],
    ['/caf%c3%a9', '/caf%C3%A9'],
    ['/a%20b', '/a%20b'],
    ['/q%3fmark', '/q%3Fmark'],
    ['/x"y', '/x%22y'],
    ['/~user/file.txt', '/~user/file.txt'],
    ['/.well-known/thing', '/.well-known/thing'],
    ['/Data', '/Data'],
  ];
  for (const [raw, expected] of cases) {
    it(`normalises ${raw} to ${expected}`, () => {
      assert.deepEqual(normalisePath(raw), { path: expected });
    });
  }

  const refused: Array<[string, RegExp]> = [
    ['/a%2Fb', /encoded slash/],
    ['/a%2fb', /encoded slash/],
    ['/a%5Cb', /encoded backslash/],
    ['/a\\b', /backslash/],
    ['/a%00', /control/],
    ['/a%0d%0aX-Injected:%201', /control/],
    ['/admin;jsessionid=1', /path parameter/],
    ['/admin%3bx', /semicolon/],
    ['/a%252e%252e', /percent sign/],
    ['/a%zz', /malformed/],
    ['/a%2', /malformed/],
    ['/..', /above the root/],
    ['/%2e%2e/etc/passwd', /above the root/],
    ['/a/../../b', /above the root/],
    ['/a\tb', /control character/],
    ['relative', /start with \//],
  ];
  for (const [raw, reason] of refused) {
    it(`refuses ${JSON.stringify(raw)}`, () => {
      const result = normalisePath(raw);
      assert.ok('problem' in result, `accepted as ${'path' in result ? result.path : ''}`);
      assert.match(result.problem, reason);
    });
  }

  it('keeps the query apart and untouched, and refuses absolute-form targets', () => {
    assert.deepEqual(normaliseRequestTarget('//data/./x?a=%2F..&b=/../'), {
      path: '/data/x',
      query: '?a=%2F..&b=/../',
    });
    assert.ok('problem' in normaliseRequestTarget('http://evil.example/data'));
    assert.ok('problem' in normaliseRequestTarget('*'));
    assert.ok('problem' in normaliseRequestTarget('/data#fragment'));
  });

  it('drops every access_token parameter, however it is spelt, and keeps the rest byte for byte', () => {
    const cases: Array<[string, string]> = [
      ['?access_token=t', ''],
      ['?a=1&access_token=t&b=%2F+x&access_token=u', '?a=1&b=%2F+x'],
      ['?ACCESS_TOKEN=t&Access_Token&x=access_token', '?x=access_token'],
      ['?access%5Ftoken=t&%61ccess_token=t&access%5ftoken&a=%zz', '?a=%zz'],
      ['?a=1&&b&access_token=', '?a=1&&b'],
      [
        '?access_tokens=t&my_access_token=t&access-token=t&access+token=t',
        '?access_tokens=t&my_access_token=t&access-token=t&access+token=t',
      ],
      ['?', '?'],
    ];
    for (const [query, expected] of cases) {
      assert.deepEqual(normaliseRequestTarget(`/data${query}`), { path: '/data', query: expected }, query);
    }
  });
});

describe('RouteTable', () => {
  const table = new RouteTable(
    parseGatewayConfig({
      issuer: 'https://auth.example.com',
      audience: 'https://api.example.com',
      routes: [
        { path: '/', upstream: 'http://127.0.0.1:1', public: true },
        { path: '/data', upstream: 'http://127.0.0.1:2/base' },
        { path: '/data/admin', upstream: 'http://127.0.0.1:3', methods: ['GET'], stripPrefix: true },
        { path: '/data/admin', upstream: 'http://127.0.0.1:4', methods: ['DELETE'] },
      ],
    }),
  );
  const prefixOf = (method: string, path: string) => {
    const match = table.match(method, path);
    return match.kind === 'route' ? `${match.route.prefix}#${match.route.index}` : match.kind;
  };

  it('takes the longest prefix, on whole segments only', () => {
    assert.equal(prefixOf('GET', '/data'), '/data#1');
    assert.equal(prefixOf('GET', '/data/'), '/data#1');
    assert.equal(prefixOf('GET', '/data/items/1'), '/data#1');
    assert.equal(prefixOf('GET', '/database'), '/#0');
    assert.equal(prefixOf('GET', '/data/admin/users'), '/data/admin#2');
    assert.equal(prefixOf('GET', '/data/administrators'), '/data#1');
  });

  it('chooses among routes with the same prefix by method, HEAD going with GET, and refuses the rest', () => {
    assert.equal(prefixOf('DELETE', '/data/admin'), '/data/admin#3');
    assert.equal(prefixOf('HEAD', '/data/admin'), '/data/admin#2');
    assert.deepEqual(table.match('POST', '/data/admin'), {
      kind: 'method_not_allowed',
      allowed: ['DELETE', 'GET', 'HEAD'],
    });
  });

  it('refuses a path that reaches a longer prefix only when case is ignored', () => {
    assert.equal(prefixOf('GET', '/DATA/items'), 'case_mismatch');
    assert.equal(prefixOf('GET', '/data/ADMIN'), 'case_mismatch');
    assert.equal(prefixOf('GET', '/Database'), '/#0');
  });

  it('builds the upstream path from the base path, the prefix rule and the query', () => {
    const [, data, admin] = table.routes;
    assert.ok(data && admin);
    assert.equal(upstreamPathFor(data, '/data/items', '?x=1'), '/base/data/items?x=1');
    assert.equal(upstreamPathFor(admin, '/data/admin/users', ''), '/users');
    assert.equal(upstreamPathFor(admin, '/data/admin', '?q'), '/?q');
  });
});
