import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { type ConfigFile, readConfigFile } from '../src/index.js';

const folder = mkdtempSync(join(tmpdir(), 'tollgate-config-file-'));
after(() => rmSync(folder, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = join(folder, name);
  writeFileSync(file, text);
  return file;
}

function read(file: string): ConfigFile {
  const result = readConfigFile(file);
  assert.ok(!('problem' in result), 'problem' in result ? result.problem : '');
  return result;
}

function problemOf(file: string): string {
  const result = readConfigFile(file);
  assert.ok('problem' in result, 'the file was read');
  return result.problem;
}

const YAML = `# comment
port: 9000
tls:
  certFile: cert.pem
routes:
  - path: /a
  - path: /b
    upstream: http://127.0.0.1:1
`;

describe('readConfigFile', () => {
  it('reads YAML and names the line of every setting, a missing one at its nearest enclosing node', () => {
    const file = write('gateway.yaml', YAML);
    const { settings, source } = read(file);
    assert.deepEqual(settings, {
      port: 9000,
      tls: { certFile: 'cert.pem' },
      routes: [{ path: '/a' }, { path: '/b', upstream: 'http://127.0.0.1:1' }],
    });
    assert.equal(source.document, file);
    assert.equal(source.lineOf?.(['port']), 2);
    assert.equal(source.lineOf?.(['tls', 'certFile']), 4);
    assert.equal(source.lineOf?.(['tls', 'keyFile']), 3);
    assert.equal(source.lineOf?.(['routes', 1, 'upstream']), 8);
    assert.equal(source.lineOf?.(['routes', 0, 'upstream']), 6);
    assert.equal(source.lineOf?.(['issuer']), undefined);
  });

  it('reads JSON as JSON, with the lines of its settings', () => {
    const file = write('tollgate.json', '{\n  "port": 9000,\n  "tls": {\n    "certFile": "cert.pem"\n  }\n}\n');
    const { settings, source } = read(file);
    assert.deepEqual(settings, { port: 9000, tls: { certFile: 'cert.pem' } });
    assert.equal(source.lineOf?.(['tls', 'certFile']), 4);
    // YAML would read this as a mapping; it is not JSON.
    const yamlInJson = write('yaml-in.json', 'port: 9000\n');
    assert.equal(problemOf(yamlInJson), `${yamlInJson}: not valid JSON: Unexpected token 'p'`);
  });

  it('names the line of a syntax error', () => {
    const yaml = write('broken.yaml', 'port: 9000\nroutes:\n  - path: /a\n   upstream: [\n');
    assert.match(problemOf(yaml), new RegExp(`^${escapeRegExp(yaml)}:\\d+: not valid YAML: `));
    const json = write('broken.json', '{\n  "port": 9000\n  "host": "x"\n}\n');
    assert.match(problemOf(json), new RegExp(`^${escapeRegExp(json)}:3: not valid JSON: `));
    const secret = write('secret.json', '{"database": postgres://tollgate:s3cret@db/tollgate}');
    assert.equal(problemOf(secret), `${secret}: not valid JSON: Unexpected token 'p'`, 'the password was quoted');
    const duplicate = write('twice.yaml', 'port: 1\nport: 2\n');
    assert.match(
      problemOf(duplicate),
      new RegExp(`^${escapeRegExp(duplicate)}:2: not valid YAML: Map keys must be unique`),
    );
  });

  it('refuses a name that is not .yaml, .yml or .json, a file it cannot read and one that is not a mapping', () => {
    assert.equal(
      problemOf(write('tollgate.toml', 'port = 1\n')),
      `${join(folder, 'tollgate.toml')}: a config file must end in .yaml, .yml or .json`,
    );
    assert.equal(
      problemOf(join(folder, 'absent.yml')),
      `cannot read config file ${join(folder, 'absent.yml')}: ENOENT`,
    );
    for (const [name, text] of [
      ['list.yaml', '- a\n'],
      ['empty.yaml', ''],
      ['scalar.json', '5'],
    ] as const) {
      const file = write(name, text);
      assert.equal(problemOf(file), `${file}: must contain a mapping of settings`);
    }
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
