/**
 * The revocation stream's event ids, `<epoch>.<sequence>.<tag>`: what a verifier sends back as Last-Event-ID
 * (WHATWG HTML, "Server-sent events") to resume. An id must never name two different revocations, yet a
 * restored backup hands out its sequences again. So the id carries the store's epoch (replaced when a
 * rewind is detected) and a tag of the revoked jti, which lets the server check that the event a verifier
 * resumes after is still the one at that sequence: a restored store that has given the sequence to another
 * revocation is caught even before anyone noticed the rewind.
 */
import { sha256Hex } from '../crypto/index.js';

/** Where a verifier says it stopped, read from its Last-Event-ID. */
export type ResumePoint =
  /** No Last-Event-ID: a first connection. */
  | { kind: 'start' }
  /** A bare sequence, as servers before epochs sent: its history cannot be checked. */
  | { kind: 'legacy'; sequence: number }
  | { kind: 'event'; epoch: string; sequence: number; tag: string };

/** 48 bits of the jti's SHA-256: a chance replacement passing the check is one in 2^48. */
const TAG_HEX_CHARS = 12;
const EPOCH = '[A-Za-z0-9_-]{1,64}';
const SEQUENCE = '[0-9]{1,16}';
const EVENT_ID = new RegExp(`^(${EPOCH})\\.(${SEQUENCE})\\.([0-9a-f]{${TAG_HEX_CHARS}})$`);
const LEGACY_ID = new RegExp(`^${SEQUENCE}$`);

export function revocationTag(jti: string): string {
  return sha256Hex(jti).slice(0, TAG_HEX_CHARS);
}

export function formatEventId(epoch: string, sequence: number, jti: string): string {
  return `${epoch}.${sequence}.${revocationTag(jti)}`;
}

/**
 * Reads a Last-Event-ID header (absent: undefined). Returns undefined for a value that is no id this
 * server ever sent, old or new, so the caller can refuse it.
 */
export function parseResumePoint(header: string | undefined): ResumePoint | undefined {
  if (header === undefined) return { kind: 'start' };
  if (LEGACY_ID.test(header)) return safeSequence(header, (sequence) => ({ kind: 'legacy', sequence }));
  const match = EVENT_ID.exec(header);
  if (match === null) return undefined;
  const [, epoch = '', digits = '', tag = ''] = match;
  return safeSequence(digits, (sequence) => ({ kind: 'event', epoch, sequence, tag }));
}

function safeSequence(digits: string, make: (sequence: number) => ResumePoint): ResumePoint | undefined {
  const sequence = Number(digits);
  return Number.isSafeInteger(sequence) ? make(sequence) : undefined;
}
