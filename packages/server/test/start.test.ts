import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { generateEncryptionSecret } from '@tollgate/core';
import { loadConfig } from '../src/config-load.js';
import { createLogger } from '../src/logging.js';
import { startServer } from '../src/start.js';

const quiet = { logger: createLogger({ level: 'silent' }), handleSignals: false };

/** A throwaway self-signed certificate for 127.0.0.1, or undefined where openssl is missing. */
function selfSignedCertificate(dir: string): { certFile: string; keyFile: string } | undefined {
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        keyFile,
        '-out',
        certFile,
      ],
      { stdio: 'ignore' },
    );
    return { certFile, keyFile };
  } catch {
    return undefined;
  }
}

function httpsGet(url: string): Promise<{ status: number; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    request(url, { rejectUnauthorized: false }, (response) => {
      response.resume();
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers }));
    })
      .on('error', reject)
      .end();
  });
}

describe('startServer', () => {
  it('announces its URL, derives the issuer from the chosen port, and closes idempotently', async (t) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tollgate-start-'));
    t.after(() => rmSync(dataDir, { recursive: true, force: true }));
    const lines: string[] = [];
    const server = await startServer(
      loadConfig({
        env: {
          TOLLGATE_DATA: dataDir,
          TOLLGATE_ENCRYPTION_KEY: generateEncryptionSecret(),
          TOLLGATE_DRAIN_DELAY: '0s',
        },
        flags: { port: '0' },
      }),
      { ...quiet, announce: (line) => lines.push(line) },
    );
    try {
      assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.deepEqual(lines, [`Tollgate listening on ${server.url}`]);
      assert.equal(server.config.issuer, server.url);
      const metadata = (await (await fetch(`${server.url}/.well-known/oauth-authorization-server`)).json()) as {
        issuer: string;
      };
      assert.equal(metadata.issuer, server.url);
    } finally {
      await Promise.all([server.close(), server.close()]);
    }
    await assert.rejects(fetch(`${server.url}/.well-known/jwks.json`));
  });

  it('serves HTTPS with HSTS when given a certificate', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'tollgate-tls-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const tls = selfSignedCertificate(dir);
    if (!tls) return t.skip('openssl is not available');
    const config = loadConfig({
      env: {
        TOLLGATE_DATA: join(dir, 'data'),
        TOLLGATE_ENCRYPTION_KEY: generateEncryptionSecret(),
        TOLLGATE_DRAIN_DELAY: '0s',
      },
      flags: { port: '0', tlsCert: tls.certFile, tlsKey: tls.keyFile },
    });
    const server = await startServer(config, { ...quiet, announce: () => {} });
    try {
      assert.match(server.url, /^https:\/\//);
      assert.equal(server.config.issuer, server.url);
      const response = await httpsGet(`${server.url}/.well-known/jwks.json`);
      assert.equal(response.status, 200);
      assert.equal(response.headers['strict-transport-security'], 'max-age=31536000; includeSubDomains');
    } finally {
      await server.close();
    }
  });
});
