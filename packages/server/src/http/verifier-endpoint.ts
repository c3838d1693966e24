/**
 * The endpoints only verifiers call (the SDK, the gateway): a JSON body, and a confidential client authenticated
 * like introspection (RFC 7662 2.1), errors in RFC 6749 5.2 shape naming the one content type they take.
 */
import type { PresentedClient } from '@tollgate/core';
import { InvalidClient } from '@tollgate/core';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { z } from 'zod';
import { parseInput, registerJsonOnlyBodyParser } from './admin-input.js';
import { presentedClient } from './client-auth.js';
import { registerEndpoint } from './endpoints.js';
import { type RenderedError, createErrorHandler, renderError } from './errors.js';

export function registerVerifierEndpoint<Body>(
  app: FastifyInstance,
  endpoint: {
    url: string;
    bodyLimitBytes: number;
    body: z.ZodType<Body>;
    handle: (client: PresentedClient, body: Body, address: string, reply: FastifyReply) => Promise<void>;
  },
): void {
  app.register(async (scope) => {
    registerJsonOnlyBodyParser(scope);
    scope.setErrorHandler(createErrorHandler(endpoint.bodyLimitBytes, renderVerifierError));
    registerEndpoint(scope, {
      method: 'POST',
      url: endpoint.url,
      bodyLimit: endpoint.bodyLimitBytes,
      handler: async (request, reply) => {
        const { client } = presentedClient(request.headers.authorization, new Map());
        // RFC 6749 2.3.1: a confidential client authenticates; with no credentials there is nobody to trust.
        if (client.method === 'none') throw new InvalidClient('Client authentication is required');
        await endpoint.handle(client, parseInput(endpoint.body, request.body, 'body'), request.ip, reply);
      },
    });
  });
}

/** RFC 6749 errors as everywhere, except that these endpoints name the one content type they take. */
function renderVerifierError(error: unknown, bodyLimitBytes: number): RenderedError {
  const rendered = renderError(error, bodyLimitBytes);
  if ((error as { code?: unknown }).code !== 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return rendered;
  return {
    ...rendered,
    body: { error: 'invalid_request', error_description: 'Content-Type must be application/json' },
  };
}
