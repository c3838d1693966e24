/**
 * The server's Prometheus metrics (docs/metrics.md): every series moves by exactly the traffic sent, labels carry
 * route patterns and fixed words only (never a token or a path as asked), the private listener needs no token and
 * refuses plain HTTP off loopback, and GET /metrics on the public port answers only a `tollgate:metrics` token.
 */
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { get as httpsGet } from 'node:https';
import { after, before, describe, it } from 'node:test';
import { assertAdminError } from './support/admin-api.js';
import { assertBearerRefusal } from './support/challenge.js';
import { type ClientCredentials, basicAuthorization, postForm, request } from './support/http.js';
import { baseline, scrape, sampleValue } from './support/metrics.js';
import { freePort } from './support/ports.js';
import { USER_API, addApi, addClient, addUser } from './support/seed.js';
import { makeSelfSignedCertificate } from './support/tls.js';
import { type TollgateProcess, startTollgate } from './support/tollgate.js';
import { clientCredentialsToken, passwordToken, refreshRequest, revoke } from './support/tokens.js';
import { waitUntil } from './support/wait.js';

const REALM = 'tollgate-admin';
const BOB = { username: 'bob', password: 'bob has a long password' };
const MALLORY = { username: 'mallory', password: 'mallory has a long password' };
/** Lockout after the third failure; no delays, so the test stays short. */
const BRUTE_FORCE = {
  account: { slowAfter: 3, blockAfter: 3 },
  address: { slowAfter: 50, blockAfter: 60 },
  delayStepMs: 0,
};

describe('server metrics', () => {
  let server: TollgateProcess;
  let metricsUrl: string;
  let service: ClientCredentials;
  let app: ClientCredentials;
  let scraper: ClientCredentials;
  let reader: ClientCredentials;
  let automation: ClientCredentials;
  let adminApi: string;

  before(async () => {
    // The CLI derives the admin API's identifier from its own issuer, so both are given the same one.
    const [port, metricsPort] = await Promise.all([freePort(), freePort()]);
    const issuer = `http://127.0.0.1:${port}`;
    server = await startTollgate({
      config: { bruteForce: BRUTE_FORCE },
      env: {
        TOLLGATE_PORT: String(port),
        TOLLGATE_ISSUER: issuer,
        TOLLGATE_METRICS_LISTEN: `127.0.0.1:${metricsPort}`,
      },
    });
    metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
    adminApi = `${issuer}/api/v1`;
    await addApi(server, USER_API, ['read:data'], { isDefault: true });
    await Promise.all([
      addUser(server, BOB.username, BOB.password, ['read:data']),
      addUser(server, MALLORY.username, MALLORY.password, ['read:data']),
    ]);
    [service, app, scraper, reader, automation] = await Promise.all([
      addClient(server, 'service', { scopes: ['read:data'] }),
      addClient(server, 'app', { scopes: ['read:data'], grants: ['password', 'refresh_token'] }),
      addClient(server, 'scraper', { scopes: ['tollgate:metrics'] }),
      addClient(server, 'reader', { scopes: ['tollgate:tokens:read'] }),
      addClient(server, 'automation', { scopes: ['tollgate:admin'] }),
    ]);
  });
  after(() => server?.stop());

  it('counts each access token issued by its grant type, exactly', async () => {
    const grew = await baseline(metricsUrl);
    for (let issued = 0; issued < 3; issued += 1) await clientCredentialsToken(server.url, service);
    assert.equal(await grew('tollgate_tokens_issued_total', { grant_type: 'client_credentials' }), 3);
    assert.equal(await grew('tollgate_tokens_issued_total', { grant_type: 'password' }), 0);
    const tokenAnswers = { method: 'POST', route: '/token', status: '200' };
    assert.equal(await grew('tollgate_http_requests_total', tokenAnswers), 3);
    assert.equal(await grew('tollgate_http_request_duration_seconds_count', { method: 'POST', route: '/token' }), 3);
    const { samples } = await scrape(metricsUrl);
    const buckets = samples.filter(
      (sample) => sample.name === 'tollgate_http_request_duration_seconds_bucket' && sample.labels.route === '/token',
    );
    assert.ok(buckets.length > 5, 'the latency histogram has buckets');
    assert.ok(
      sampleValue(samples, 'tollgate_http_request_duration_seconds_bucket', {
        route: '/token',
        method: 'POST',
        le: '+Inf',
      }) >= 3,
    );
  });

  it('counts introspections by verdict', async () => {
    const token = (await clientCredentialsToken(server.url, service)).access_token;
    const grew = await baseline(metricsUrl);
    for (const presented of [token, token, 'not-a-token']) {
      const result = await postForm(`${server.url}/introspect`, { token: presented }, { basic: service });
      assert.equal(result.status, 200, result.text);
    }
    assert.equal(await grew('tollgate_introspections_total', { active: 'true' }), 2);
    assert.equal(await grew('tollgate_introspections_total', { active: 'false' }), 1);
  });

  it('counts a replayed refresh token once, and the revocation it causes', async () => {
    const first = await passwordToken(server.url, app, BOB);
    const grew = await baseline(metricsUrl);
    const rotated = await refreshRequest(server.url, first.refresh_token as string, app);
    assert.equal(rotated.status, 200, rotated.text);
    const replayed = await refreshRequest(server.url, first.refresh_token as string, app);
    assert.equal(replayed.status, 400, replayed.text);
    assert.equal(await grew('tollgate_tokens_issued_total', { grant_type: 'refresh_token' }), 1);
    assert.equal(await grew('tollgate_reuse_detected_total', { credential: 'refresh_token' }), 1);
    assert.equal(await grew('tollgate_reuse_detected_total', { credential: 'authorization_code' }), 0);
    assert.equal(await grew('tollgate_revocations_published_total'), 1);
  });

  it('counts a revocation published by /revoke', async () => {
    const token = (await clientCredentialsToken(server.url, service)).access_token;
    const grew = await baseline(metricsUrl);
    await revoke(server.url, service, token);
    assert.equal(await grew('tollgate_revocations_published_total'), 1);
  });

  it('counts a brute-force lockout once and each refusal after it', async () => {
    const grew = await baseline(metricsUrl);
    const wrong = { username: MALLORY.username, password: 'not the password at all' };
    for (let attempt = 0; attempt < BRUTE_FORCE.account.blockAfter; attempt += 1) {
      const result = await postForm(`${server.url}/token`, { grant_type: 'password', ...wrong }, { basic: app });
      assert.equal(result.status, 400, result.text);
    }
    assert.equal(await grew('tollgate_brute_force_lockouts_total'), 0);
    assert.equal(await grew('tollgate_brute_force_refusals_total'), 0);
    // The first refused attempt announces the lockout (audited, then counted); the second is only refused.
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const refused = await postForm(`${server.url}/token`, { grant_type: 'password', ...MALLORY }, { basic: app });
      assert.equal(refused.status, 429, refused.text);
    }
    await waitUntil(
      'the lockout is counted',
      async () => ((await grew('tollgate_brute_force_lockouts_total')) === 1 ? true : undefined),
      { timeoutMs: 10_000 },
    );
    assert.equal(await grew('tollgate_brute_force_refusals_total'), 2);
  });

  it('shows the revocation stream clients connected, and none once they leave', async () => {
    const clients = async () => sampleValue((await scrape(metricsUrl)).samples, 'tollgate_revocation_stream_clients');
    assert.equal(await clients(), 0);
    const stream = httpRequest(`${server.url}/revocations`, {
      headers: { authorization: basicAuthorization(service.clientId, service.clientSecret) },
    });
    const ready = new Promise<void>((resolve) => {
      stream.on('response', (res) => {
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => chunk.includes('event: ready') && resolve());
      });
    });
    stream.on('error', () => {});
    stream.end();
    await ready;
    assert.equal(await clients(), 1);
    const { samples } = await scrape(metricsUrl);
    assert.equal(sampleValue(samples, 'tollgate_revocation_stream_lag_bytes'), 0, 'the client reads everything');
    stream.destroy();
    await waitUntil('the stream is gone from the gauge', async () => ((await clients()) === 0 ? true : undefined), {
      timeoutMs: 10_000,
    });
  });

  it('labels requests by route pattern, never by the path asked for, and no token or username shows', async () => {
    const token = (await clientCredentialsToken(server.url, service)).access_token;
    const secretish = 'tg_secret_0123456789abcdefABCDEF';
    const grew = await baseline(metricsUrl);
    for (const path of [`/${token}`, `/api/v1/users/${secretish}`, `/x/${secretish}/y`, `/.env?token=${secretish}`]) {
      const result = await request(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
      assert.ok(result.status >= 400 && result.status < 500, `${path}: ${result.status}`);
    }
    await postForm(`${server.url}/token`, { grant_type: 'password', ...BOB }, { basic: app });
    const { text, samples } = await scrape(metricsUrl);
    for (const needle of [token, secretish, BOB.username, BOB.password, service.clientId, service.clientSecret]) {
      assert.ok(!text.includes(needle), `the scrape shows ${needle.slice(0, 12)}...`);
    }
    const routes = new Set(
      samples.filter((sample) => sample.name === 'tollgate_http_requests_total').map((s) => s.labels.route),
    );
    for (const route of routes) assert.ok(route === 'unmatched' || route?.startsWith('/'), `route label ${route}`);
    const unmatched = await grew('tollgate_http_requests_total', { method: 'GET', route: 'unmatched', status: '404' });
    // /api/v1/users/:id is a route: the bearer token (no admin scope) is refused there, counted under its pattern.
    assert.equal(unmatched, 3);
  });

  it('answers GET /metrics on the public port only to a token with tollgate:metrics', async () => {
    const none = await request(`${server.url}/metrics`);
    assertBearerRefusal(none, { status: 401, realm: REALM }, 'no token');

    const forged = await request(`${server.url}/metrics`, { headers: { authorization: 'Bearer not.a.token' } });
    assertBearerRefusal(forged, { status: 401, realm: REALM, error: 'invalid_token' }, 'bad token');
    assertAdminError(forged, 401, 'invalid_token');

    const readerToken = await clientCredentialsToken(server.url, reader, {
      resource: adminApi,
      scope: 'tollgate:tokens:read',
    });
    const wrongScope = await request(`${server.url}/metrics`, {
      headers: { authorization: `Bearer ${readerToken.access_token}` },
    });
    assertBearerRefusal(wrongScope, {
      status: 403,
      realm: REALM,
      error: 'insufficient_scope',
      scope: 'tollgate:metrics',
    });

    const scraperToken = await clientCredentialsToken(server.url, scraper, {
      resource: adminApi,
      scope: 'tollgate:metrics',
    });
    const { samples } = await scrape(`${server.url}/metrics`, scraperToken.access_token);
    assert.ok(samples.some((sample) => sample.name === 'tollgate_tokens_issued_total'));

    // tollgate:admin allows everything, this too.
    const adminToken = await clientCredentialsToken(server.url, automation, {
      resource: adminApi,
      scope: 'tollgate:admin',
    });
    await scrape(`${server.url}/metrics`, adminToken.access_token);
  });

  it('serves the metrics listener over HTTPS when the server has a certificate', async () => {
    const certificate = makeSelfSignedCertificate();
    const metricsPort = await freePort();
    const secure = await startTollgate({
      tls: { certFile: certificate.certFile, keyFile: certificate.keyFile },
      env: { TOLLGATE_METRICS_LISTEN: `127.0.0.1:${metricsPort}` },
    }).catch((error: unknown) => {
      certificate.remove();
      throw error;
    });
    try {
      // The client trusts exactly the throwaway certificate: the handshake is proven, not skipped.
      const answer = await new Promise<{ status: number; text: string }>((resolve, reject) => {
        httpsGet(`https://127.0.0.1:${metricsPort}/metrics`, { ca: certificate.certPem }, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        }).on('error', reject);
      });
      assert.equal(answer.status, 200, answer.text);
      assert.match(answer.text, /^# HELP tollgate_/m);
    } finally {
      await secure.stop();
      certificate.remove();
    }
  });

  it('refuses to start a plain-HTTP metrics listener off loopback', async () => {
    const outcome = await startTollgate({
      env: { TOLLGATE_METRICS_LISTEN: '0.0.0.0:9464' },
      readyTimeoutMs: 15_000,
    }).then(
      async (started) => {
        await started.stop();
        return 'started';
      },
      (error: Error) => error.message,
    );
    assert.match(outcome, /metrics\.listen.*plain HTTP is served only on a loopback address \(0\.0\.0\.0 is not\)/);
  });
});
