export * from './types.js';
export * from './errors.js';
export { signAccessToken } from './sign.js';
export { validateAccessToken } from './validate.js';
