/**
 * Reads `gateway.yaml` (or `.json`), applies the environment, validates once against the schema and freezes the
 * result. Every problem names the field and where its value came from, the file and line or the variable:
 *     gateway.yaml:12: routes[1].upstream: must be an http(s) URL
 *     redis.url (from REDIS_URL): must be a redis:// or rediss:// URL
 */
import {
  ConfigProblems,
  type DocumentSource,
  type LineOf,
  Layers,
  isMapping,
  readConfigFile,
  validate,
} from '@tollgate/config';
import { type GatewayConfig, gatewayConfigSchema } from './config.js';

/** Settings taken from the environment: secrets (a Redis URL may carry a password) are better kept out of files. */
export const CLIENT_SECRET_VARIABLE = 'TOLLGATE_GATEWAY_CLIENT_SECRET';
export const REDIS_URL_VARIABLE = 'REDIS_URL';
/** The DPoP nonce secret; the primary of `--workers` also hands its workers one this way. */
export const DPOP_NONCE_SECRET_VARIABLE = 'TOLLGATE_GATEWAY_DPOP_NONCE_SECRET';

/** Fields holding paths: in the config file they are relative to the file's folder, as in the server's config. */
const PATH_FIELDS = new Set([
  'listen.tls.certFile',
  'listen.tls.keyFile',
  'metrics.listen.tls.certFile',
  'metrics.listen.tls.keyFile',
]);

export class GatewayConfigError extends ConfigProblems {
  constructor(problems: string[]) {
    super('gateway configuration', problems);
    this.name = 'GatewayConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

export function loadGatewayConfig(file: string, env: Env = process.env): GatewayConfig {
  const read = readConfigFile(file);
  if ('problem' in read) throw new GatewayConfigError([read.problem]);
  const layers = new Layers();
  layers.setFile(read, (field) => PATH_FIELDS.has(field));
  return validated(layers, env, read.source);
}

/** Validates settings given as an object (built in code); `source` names them in problems. */
export function parseGatewayConfig(
  input: unknown,
  options: { env?: Env; source?: string; locate?: LineOf } = {},
): GatewayConfig {
  const source: DocumentSource = { document: options.source ?? 'configuration', lineOf: options.locate };
  if (!isMapping(input)) throw new GatewayConfigError([`${source.document}: must contain a mapping of settings`]);
  const layers = new Layers();
  layers.setAll(input, source);
  return validated(layers, options.env ?? {}, source);
}

/** What no source set (a required setting left out) is laid at the document's door. */
function validated(layers: Layers, env: Env, document: DocumentSource): GatewayConfig {
  applyEnvironment(layers, env);
  const result = validate(gatewayConfigSchema, layers, document);
  if ('problems' in result) throw new GatewayConfigError(result.problems);
  return result.config;
}

function applyEnvironment(layers: Layers, env: Env): void {
  const secret = env[CLIENT_SECRET_VARIABLE];
  // The secret completes a configured client; alone it would be a client without an id.
  if (secret !== undefined && secret !== '' && isMapping(layers.input.client)) {
    layers.set(['client', 'clientSecret'], secret, { setting: CLIENT_SECRET_VARIABLE });
  }
  const nonceSecret = env[DPOP_NONCE_SECRET_VARIABLE];
  if (nonceSecret !== undefined && nonceSecret !== '') {
    layers.set(['dpopNonceSecret'], nonceSecret, { setting: DPOP_NONCE_SECRET_VARIABLE });
  }
  const redisUrl = env[REDIS_URL_VARIABLE];
  // The variable alone turns Redis on; a `redis` section in the file may still set the key prefix.
  if (redisUrl !== undefined && redisUrl !== '')
    layers.set(['redis', 'url'], redisUrl, { setting: REDIS_URL_VARIABLE });
}
