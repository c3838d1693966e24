/**
 * Fastify loads its JSON Schema compilers (ajv and fast-json-stringify, about a hundred modules) when the app is
 * built, unless others are given. Tollgate declares no route schemas: bodies are checked with zod in the handlers
 * and answers are plain JSON. These stand-ins are never called, so the compilers are never loaded; a route that
 * did declare a schema fails when it is registered rather than being checked by a validator nobody configured.
 */
import type { FastifyServerOptions } from 'fastify';

type CompilersFactory = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>;

function refuseRouteSchemas(): never {
  throw new Error('Fastify route schemas are not used: validate the request with zod in the handler');
}

export const NO_SCHEMA_COMPILERS: CompilersFactory = {
  buildValidator: refuseRouteSchemas,
  buildSerializer: refuseRouteSchemas,
};
