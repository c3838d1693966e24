/** The shape of one /api/v1 operation in the table the OpenAPI document is built from (openapi-operations.ts). */
import type { z } from 'zod';
import type { JsonSchema } from './openapi-schemas.js';

export type Who = 'anyone' | 'signed in' | 'owner or admin' | 'admin';

export interface Operation {
  method: 'get' | 'post' | 'patch' | 'delete';
  /** OpenAPI path template, relative to /api/v1. */
  path: string;
  summary: string;
  who: Who;
  body?: z.ZodType;
  query?: readonly QueryParameter[];
  /** Status and the name of the answer's schema (none for 204). */
  answer: [status: number, schema?: string];
  /** Errors beyond those every operation of its kind can give. */
  extraErrors?: readonly number[];
}

export interface QueryParameter {
  name: string;
  schema: JsonSchema;
  description: string;
}
