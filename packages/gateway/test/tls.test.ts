import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { plainHttpProblem, trustedProxies } from '../src/net.js';
import { startTestGateway } from './support/gateway.js';
import { startIssuer } from './support/issuer.js';
import { startUpstream } from './support/upstream.js';

function opensslAvailable(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

describe('HTTPS', () => {
  it('serves HTTPS with listen.tls and tells the upstream X-Forwarded-Proto: https', {
    skip: opensslAvailable() ? false : 'openssl is not installed',
  }, async (context) => {
    const folder = mkdtempSync(join(tmpdir(), 'tollgate-gateway-tls-'));
    const certFile = join(folder, 'cert.pem');
    const keyFile = join(folder, 'key.pem');
    execFileSync(
      'openssl',
      [
        ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'],
        ...['-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', '/CN=127.0.0.1'],
        ...['-addext', 'subjectAltName=IP:127.0.0.1'],
      ],
      { stdio: 'pipe' },
    );
    const issuer = await startIssuer();
    const upstream = await startUpstream();
    const gateway = await startTestGateway(issuer.url, {
      listen: { port: 0, tls: { certFile, keyFile } },
      routes: [{ path: '/', upstream: upstream.url }],
    });
    context.after(async () => {
      await gateway.close();
      await Promise.all([issuer.close(), upstream.close()]);
      rmSync(folder, { recursive: true, force: true });
    });
    assert.match(gateway.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    const token = await issuer.token();
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        `${gateway.url}/secure`,
        { ca: readFileSync(certFile), headers: { authorization: `Bearer ${token}` } },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end();
    });
    assert.equal(status, 200);
    assert.equal(upstream.received[0]?.headers['x-forwarded-proto'], 'https');
  });
});

describe('plainHttpProblem', () => {
  const trust = trustedProxies(['10.0.0.0/8']);
  const judge = (peerAddress: string, forwardedProto?: string, encrypted = false) =>
    plainHttpProblem({ encrypted, peerAddress, forwardedProto }, trust);

  it('accepts TLS from anywhere and plain HTTP from loopback', () => {
    assert.equal(judge('203.0.113.9', undefined, true), undefined);
    assert.equal(judge('127.0.0.1'), undefined);
    assert.equal(judge('::ffff:127.0.0.1'), undefined);
    assert.equal(judge('::1'), undefined);
  });

  it('accepts a trusted proxy only when every hop was HTTPS', () => {
    assert.equal(judge('10.1.2.3', 'https'), undefined);
    assert.equal(judge('10.1.2.3', 'https, https'), undefined);
    assert.match(judge('10.1.2.3', 'https, http') ?? '', /HTTPS is required/);
    assert.match(judge('10.1.2.3') ?? '', /HTTPS is required/);
  });

  it('refuses plain HTTP from anyone else, whatever X-Forwarded-Proto says', () => {
    assert.match(judge('203.0.113.9', 'https') ?? '', /HTTPS is required/);
    assert.match(judge('192.168.1.5') ?? '', /HTTPS is required/);
  });
});
