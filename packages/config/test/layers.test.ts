import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Layers, readConfigFile } from '../src/index.js';

const folder = mkdtempSync(join(tmpdir(), 'tollgate-config-layers-'));
after(() => rmSync(folder, { recursive: true, force: true }));

const FILE = { document: 'tollgate.yaml' };
const PORT_VARIABLE = { setting: 'TOLLGATE_PORT' };
const PORT_FLAG = { setting: '--port' };

describe('Layers', () => {
  it('merges sources field by field, a later one winning, and remembers who set what', () => {
    const layers = new Layers();
    layers.setAll({ port: 9000, tls: { certFile: 'c.pem' }, routes: [{ path: '/a' }] }, FILE);
    layers.set(['port'], '9100', PORT_VARIABLE);
    layers.set(['port'], '9200', PORT_FLAG);
    layers.set(['tls', 'keyFile'], 'k.pem', { setting: '--tls-key' });
    assert.deepEqual(layers.input, {
      port: '9200',
      tls: { certFile: 'c.pem', keyFile: 'k.pem' },
      routes: [{ path: '/a' }],
    });
    assert.equal(layers.sourceOf(['port']), PORT_FLAG);
    assert.equal(layers.sourceOf(['tls', 'certFile']), FILE);
    assert.deepEqual(layers.sourceOf(['tls', 'keyFile']), { setting: '--tls-key' });
    // A list is set as a whole: an item's field is the list's source.
    assert.equal(layers.sourceOf(['routes', 0, 'upstream']), FILE);
    // A mapping is traced to what was set inside it.
    assert.equal(layers.sourceOf(['tls']), FILE);
    assert.equal(layers.sourceOf(['issuer']), undefined);
  });

  it('lays a setting left out at the file whose mapping it belongs in, never at a variable or flag', () => {
    const file = join(folder, 'half.yaml');
    writeFileSync(file, 'tls:\n  certFile: c.pem\n');
    const read = readConfigFile(file);
    assert.ok(!('problem' in read));
    const layers = new Layers();
    layers.setFile(read, () => false);
    layers.set(['management', 'sessionTtl'], '1h', { setting: 'TOLLGATE_SESSION_TTL' });
    assert.equal(layers.sourceOf(['tls', 'keyFile']), read.source);
    assert.equal(layers.sourceOf(['management', 'sessionIdleTimeout']), undefined);
  });

  it("resolves a file's paths against its folder, and only the fields said to be paths", () => {
    const file = join(folder, 'paths.json');
    writeFileSync(file, JSON.stringify({ dataDir: 'data', tls: { certFile: '/etc/c.pem', keyFile: '' }, host: 'x' }));
    const read = readConfigFile(file);
    assert.ok(!('problem' in read));
    const layers = new Layers();
    layers.setFile(read, (field) => field !== 'host');
    assert.deepEqual(layers.input, {
      dataDir: join(folder, 'data'),
      tls: { certFile: '/etc/c.pem', keyFile: '' },
      host: 'x',
    });
  });

  it('keeps a __proto__ key as an own setting and never reaches Object.prototype', () => {
    const layers = new Layers();
    layers.setAll(JSON.parse('{"__proto__": {"polluted": true}, "tls": {"__proto__": {"polluted": true}}}'), FILE);
    layers.set(['__proto__', 'polluted'], 'yes', PORT_VARIABLE);
    assert.equal(Object.hasOwn(Object.prototype, 'polluted'), false);
    assert.equal(Object.getPrototypeOf(layers.input), Object.prototype);
    assert.deepEqual(Object.keys(layers.input), ['__proto__', 'tls']);
    assert.deepEqual(Object.keys(layers.input.tls as object), ['__proto__']);
  });
});
