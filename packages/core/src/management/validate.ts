/** Checks shared by the management operations; each failure is an `InvalidRequest` naming the field. */
import { InvalidRequest } from '../errors.js';
import { isScopeToken } from '../scope.js';
import { DPOP_POLICIES, type DpopPolicy } from '../storage/apis.js';

export function checkScopes(scopes: readonly string[], field = 'scopes'): string[] {
  const unique: string[] = [];
  for (const scope of scopes) {
    if (!isScopeToken(scope))
      throw new InvalidRequest(`${field}: "${printable(scope)}" is not a valid scope (RFC 6749 3.3)`);
    if (!unique.includes(scope)) unique.push(scope);
  }
  return unique;
}

export function checkName(value: string, field: string, maxLength: number): string {
  if (value.length === 0 || value.length > maxLength) {
    throw new InvalidRequest(`${field} must be 1 to ${maxLength} characters`);
  }
  if (/[\u0000-\u001f\u007f]/.test(value) || value.trim() !== value) {
    throw new InvalidRequest(`${field} must not contain control characters or leading/trailing spaces`);
  }
  return value;
}

export function checkRange(value: number, field: string, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InvalidRequest(`${field} must be a whole number from ${min} to ${max}`);
  }
  return value;
}

/** Echo user input in an error without letting it forge log lines. */
export function printable(value: string): string {
  return value.replace(/[^\x20-\x7e]/g, '?').slice(0, 64);
}

/** An API's or a client's DPoP policy; the CLI and the admin API check the shape too, this is the rule they share. */
export function checkDpopPolicy(policy: DpopPolicy): DpopPolicy {
  if (!DPOP_POLICIES.includes(policy)) throw new InvalidRequest('dpop must be required or allowed');
  return policy;
}
