/**
 * How an endpoint is mounted: its method, the 405 answer for every other method, and its caching rule.
 * Only a successful public document (metadata, JWKS) may be cached; everything else, errors included,
 * is `no-store` (RFC 6749 5.1 and 5.2 require it for token responses).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler, RouteHandlerMethod } from 'fastify';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Cache-Control for successful responses of the route; absent means `no-store`. */
    cacheControl?: string;
    /** The handler sets Cache-Control itself (it varies per response), so the rule here leaves it alone. */
    ownCacheControl?: boolean;
    /** Plain HTTP is fine from anywhere (health probes): the transport rule leaves the route alone. */
    anyTransport?: boolean;
  }
}

const OTHER_METHODS = {
  POST: ['GET', 'HEAD', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'],
  GET: ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'],
} as const;

export interface Endpoint {
  method: 'GET' | 'POST';
  url: string;
  handler: RouteHandlerMethod;
  cacheControl?: string;
  /** Overrides the server's body limit for this endpoint. */
  bodyLimit?: number;
  /** Served over plain HTTP to anyone (health probes only: nothing secret may pass). */
  anyTransport?: boolean;
  /** The body parameters the endpoint recognises (RFC 6749 3.2: every other one is ignored). */
  parameters?: ReadonlySet<string>;
}

export function registerEndpoint(app: FastifyInstance, endpoint: Endpoint): void {
  const allow = endpoint.method === 'GET' ? 'GET, HEAD' : 'POST';
  app.route({
    method: endpoint.method,
    url: endpoint.url,
    handler: endpoint.handler,
    ...(endpoint.bodyLimit === undefined ? {} : { bodyLimit: endpoint.bodyLimit }),
    config: {
      ...(endpoint.cacheControl === undefined ? {} : { cacheControl: endpoint.cacheControl }),
      ...(endpoint.anyTransport ? { anyTransport: true } : {}),
      ...(endpoint.parameters === undefined ? {} : { parameters: endpoint.parameters }),
    },
  });
  app.route({
    method: [...OTHER_METHODS[endpoint.method]],
    url: endpoint.url,
    onRequest: refuseMethod(allow),
    handler: async () => undefined,
  });
}

/** The 405 answer naming the methods in `allow`, given in onRequest so a body sent with the wrong method is never parsed. */
export function refuseMethod(allow: string): onRequestHookHandler {
  return (_request, reply, _done) => {
    reply
      .code(405)
      .header('allow', allow)
      .send({ error: 'invalid_request', error_description: `This endpoint accepts only ${allow}` });
  };
}

/** An `onSend` hook applying the caching rule to every response. */
export function applyCacheHeaders(
  request: FastifyRequest,
  reply: FastifyReply,
  payload: unknown,
  done: (error: null, payload: unknown) => void,
): void {
  // Fastify builds request.routeOptions anew at each read: read it once.
  const config = request.routeOptions.config;
  if (config?.ownCacheControl) {
    done(null, payload);
    return;
  }
  const cacheControl = reply.statusCode < 400 ? config?.cacheControl : undefined;
  if (cacheControl === undefined) {
    reply.header('cache-control', 'no-store');
    reply.header('pragma', 'no-cache');
  } else {
    reply.header('cache-control', cacheControl);
  }
  done(null, payload);
}
