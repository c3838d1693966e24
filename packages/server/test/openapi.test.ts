import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type TollgateEndpoints, buildApp } from '../src/app.js';
import { createLogger } from '../src/logging.js';
import { ADMIN_SCOPES } from '@tollgate/core';
import { buildOpenApiDocument, documentedOperations } from '../src/routes/admin/openapi-document.js';
import { OPERATION_SCOPES } from '../src/routes/admin/operation-scopes.js';

/** Only route registration matters here: no handler is called. */
const unused = (): never => {
  throw new Error('not called');
};
const core = {
  token: unused,
  revoke: unused,
  introspect: unused,
  jwks: unused,
  metadata: () => ({ issuer: 'http://127.0.0.1:8080' }),
  authenticateClient: unused,
  revocationFeed: { subscribe: () => () => {} },
  as: unused,
  authorizeAdminBearer: unused,
  sessions: { signIn: unused, resume: unused, signOut: unused },
  reportApiTokenUsage: unused,
} as unknown as TollgateEndpoints;

/** `GET /api/v1/tokens/{id}` for every route registered under /api/v1 (the 405 catch-alls and HEAD aside). */
async function registeredAdminOperations(): Promise<string[]> {
  const app = buildApp(core, { bodyLimitBytes: 65_536, trustProxy: false }, createLogger({ level: 'silent' }), {
    dashboard: { assetsDir: async () => undefined },
  });
  const operations: string[] = [];
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/v1') || route.config?.methodNotAllowed) return;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const path = route.url.replace(/:(\w+)/g, '{$1}');
    for (const method of methods) if (method !== 'HEAD') operations.push(`${method} ${path}`);
  });
  await app.ready();
  await app.close();
  return operations;
}

describe('the OpenAPI document', () => {
  it('describes exactly the routes the server registers under /api/v1', async () => {
    const registered = await registeredAdminOperations();
    assert.ok(registered.length >= 20, `only ${registered.length} routes seen`);
    assert.deepEqual([...registered].sort(), [...documentedOperations()].sort());
  });

  it('is OpenAPI 3.1 with the cookie and CSRF security schemes and the error envelope', () => {
    const document = buildOpenApiDocument() as {
      openapi: string;
      components: { securitySchemes: Record<string, { in: string; name: string }>; schemas: Record<string, unknown> };
      paths: Record<string, Record<string, { security: unknown[]; responses: Record<string, unknown> }>>;
    };
    assert.equal(document.openapi, '3.1.0');
    assert.deepEqual(document.components.securitySchemes.sessionCookie, {
      type: 'apiKey',
      in: 'cookie',
      name: '__Host-tollgate_session',
    });
    assert.equal(document.components.securitySchemes.csrfToken?.name, 'X-CSRF-Token');
    assert.ok(document.components.schemas.Error);
    const revoke = document.paths['/api/v1/tokens/{id}']?.delete;
    assert.deepEqual(revoke?.security, [
      { sessionCookie: [], csrfToken: [] },
      { adminToken: ['tollgate:tokens:write'] },
    ]);
    assert.ok(revoke?.responses['404'] && revoke.responses['204'] && revoke.responses['401']);
    assert.deepEqual(document.paths['/api/v1/session']?.post?.security, []);
  });

  it('names exactly one scope or access rule for every route the server registers, and no other', async () => {
    const registered = await registeredAdminOperations();
    const tabled = Object.keys(OPERATION_SCOPES).map((key) => key.replace(' ', ' /api/v1'));
    assert.deepEqual([...tabled].sort(), [...registered].sort());
    const scopes = new Set<string>(ADMIN_SCOPES);
    for (const [key, access] of Object.entries(OPERATION_SCOPES)) {
      assert.ok(scopes.has(access) || access === 'public' || access === 'session', `${key}: ${access}`);
    }
  });

  it("lists each operation's bearer scope in its security, with every admin scope in the scheme", () => {
    const document = buildOpenApiDocument() as {
      components: { securitySchemes: Record<string, { flows?: { clientCredentials: { scopes: object } } }> };
      paths: Record<string, Record<string, { security: Array<Record<string, string[]>> }>>;
    };
    for (const [key, access] of Object.entries(OPERATION_SCOPES)) {
      const [method, path] = key.split(' ') as [string, string];
      const security = document.paths[`/api/v1${path}`]?.[method.toLowerCase()]?.security;
      const bearer = security?.find((requirement) => 'adminToken' in requirement);
      if (access === 'public' || access === 'session') assert.equal(bearer, undefined, key);
      else assert.deepEqual(bearer, { adminToken: [access] }, key);
    }
    const scheme = document.components.securitySchemes.adminToken;
    assert.deepEqual(Object.keys(scheme?.flows?.clientCredentials.scopes ?? {}), [...ADMIN_SCOPES]);
    assert.deepEqual(document.paths['/api/v1/users']?.post?.security?.[1], { adminToken: ['tollgate:users:write'] });
    assert.deepEqual(document.paths['/api/v1/session']?.get?.security, [{ sessionCookie: [] }]);
    const tokenList = document.paths['/api/v1/tokens']?.get as unknown as { responses: Record<string, unknown> };
    assert.ok(tokenList.responses['403'], 'a read can be refused for want of its scope');
  });

  it('refers only to schemas it defines', () => {
    const document = buildOpenApiDocument() as { components: { schemas: Record<string, unknown> } };
    const refs = [...JSON.stringify(document).matchAll(/"#\/components\/schemas\/(\w+)"/g)].map(([, name]) => name);
    for (const name of new Set(refs)) assert.ok(name !== undefined && name in document.components.schemas, name);
  });
});
