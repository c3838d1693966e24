export * from './types.js';
export * from './errors.js';
export { signAccessToken } from './sign.js';
export { validateAccessToken } from './validate.js';
export { importJwk, importJwks } from './jwks.js';
export { type ApiTokenUsageReport, METADATA_EXTENSIONS, USAGE_REPORT_LIMITS } from './usage-report.js';
export {
  CREDIT_LIMITS,
  type CreditsAnswer,
  type CreditsRequest,
  type IntrospectedCredits,
  type IntrospectedRateLimit,
  REFILL_INTERVALS,
  type RefillInterval,
} from './api-token-credits.js';
export {
  API_TOKEN_LENGTH,
  API_TOKEN_PREFIX,
  type ApiTokenFormatVerdict,
  checkApiTokenFormat,
  generateApiToken,
  isApiToken,
} from './api-token.js';
export { retiredKeyOf, retiredKeyRevocationId } from './retired-key.js';
export { TokenCache, tokenDigest } from './token-cache.js';
export * from './dpop/index.js';
