/**
 * RFC 6750 5.3: a token in the URL ends up in logs. The gateway never forwards an `access_token` query parameter,
 * on a public route (where nothing reads it) or a protected one (where another spelling than the SDK's could pass).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { startTestGateway, type TestGateway } from './support/gateway.js';
import { send } from './support/http.js';
import { startIssuer, type TestIssuer } from './support/issuer.js';
import { startUpstream, type TestUpstream } from './support/upstream.js';

const TOKEN_PARAMETERS = 'access_token=leaked.jwt&ACCESS_TOKEN=leaked&access%5Ftoken=leaked&Access_Token';

describe('access_token in the query never reaches the upstream', () => {
  let issuer: TestIssuer;
  let upstream: TestUpstream;
  let gateway: TestGateway;

  before(async () => {
    issuer = await startIssuer();
    upstream = await startUpstream();
    gateway = await startTestGateway(issuer.url, {
      routes: [
        { path: '/data', upstream: upstream.url, scopes: ['read:data'] },
        { path: '/public', upstream: `${upstream.url}/site`, public: true },
      ],
    });
  });

  after(async () => {
    await gateway.close();
    await Promise.all([issuer.close(), upstream.close()]);
  });

  const last = () => upstream.received.at(-1) ?? assert.fail('nothing reached the upstream');

  it('removes it on a public route and keeps the rest of the query as sent', async () => {
    const reply = await send(gateway.url, `/public/page?a=1&${TOKEN_PARAMETERS}&b=%2F+x&c`);
    assert.equal(reply.status, 200);
    assert.equal(last().path, '/site/public/page?a=1&b=%2F+x&c');
    const only = await send(gateway.url, '/public/page?access_token=leaked.jwt');
    assert.equal(only.status, 200);
    assert.equal(last().path, '/site/public/page');
  });

  it('removes spellings the SDK does not read on a protected route, which the header authorizes', async () => {
    const token = await issuer.token({ scope: 'read:data' });
    const reply = await send(gateway.url, '/data/items?ACCESS_TOKEN=leaked&page=2&Access_Token=leaked', {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(reply.status, 200);
    assert.equal(last().path, '/data/items?page=2');
  });

  it('removes it from a WebSocket handshake on a public route', async () => {
    const socket = new WebSocket(`${gateway.url.replace(/^http/, 'ws')}/public/live?room=1&access_token=leaked`);
    const hello = await new Promise<string>((resolve, reject) => {
      socket.once('message', (data: Buffer) => resolve(data.toString()));
      socket.once('error', reject);
    });
    socket.close();
    assert.equal((JSON.parse(hello) as { path: string }).path, '/site/public/live?room=1');
  });
});
