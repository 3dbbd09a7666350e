import { invalidArgument } from './errors';

/** Limits of what a client may send. */
export const LIMITS = {
  /** A note's text, in UTF-8 bytes. */
  noteTextBytes: 16 * 1024,
  /** Any single transient value, in bytes (a note's JSON wrapper included). */
  transientValueBytes: 32 * 1024,
  patientNameChars: 200,
  idChars: 64,
} as const;

const MSP_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const PATIENT_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const TX_ID = /^[0-9a-f]{64}$/;
const HEX_256 = /^[0-9a-f]{64}$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
// eslint-disable-next-line no-control-regex -- rejecting control characters is the point
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

/** An MSP ID argument: 1–64 of [A-Za-z0-9._-], starting alphanumeric. */
export function parseMspId(value: unknown, what: string): string {
  if (typeof value !== 'string' || !MSP_ID.test(value)) {
    throw invalidArgument(`${what} must be an MSP ID (1-64 characters of A-Z a-z 0-9 . _ -)`);
  }
  return value;
}

/**
 * A patient identifier (e.g. a national health number): 1–64 of [A-Za-z0-9._-], starting alphanumeric.
 * Canonical form is upper case, so every provider derives the same pseudonym from "ab-12" and "AB-12".
 */
export function normalizePatientId(value: unknown): string {
  if (typeof value !== 'string' || !PATIENT_ID.test(value)) {
    throw invalidArgument('patientId must be 1-64 characters of A-Z a-z 0-9 . _ - starting alphanumeric');
  }
  return value.toUpperCase();
}

/** Ids minted by this chaincode (EMR, request, audit) are transaction ids: 64 lowercase hex characters. */
export function parseRecordId(value: unknown, what: string): string {
  if (typeof value !== 'string' || !TX_ID.test(value)) {
    throw invalidArgument(`${what} must be 64 lowercase hex characters`);
  }
  return value;
}

/** True for a 64-character lowercase hex string (an HMAC-SHA256 pseudonym). */
export function isHex256(value: string): boolean {
  return HEX_256.test(value);
}

export function parsePatientName(value: unknown): string {
  if (typeof value !== 'string') {
    throw invalidArgument('name must be a string');
  }
  const name = value.trim();
  if (name.length === 0 || name.length > LIMITS.patientNameChars || CONTROL_CHARS.test(name)) {
    throw invalidArgument(`name must be 1-${LIMITS.patientNameChars} characters without control characters`);
  }
  return name;
}

/** A birth date `YYYY-MM-DD`: a real calendar date from 1900-01-01 up to `today` (the transaction's date). */
export function parseBirthDate(value: unknown, today: string): string {
  const match = typeof value === 'string' ? ISO_DATE.exec(value) : null;
  if (match === null || typeof value !== 'string') {
    throw invalidArgument('birthDate must be a date YYYY-MM-DD');
  }
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (year < 1900 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    throw invalidArgument('birthDate must be a real calendar date from 1900-01-01');
  }
  if (value > today) {
    throw invalidArgument('birthDate must not be in the future');
  }
  return value;
}

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return days[month - 1] ?? 0;
}

/** A note's text: non-blank, at most {@link LIMITS.noteTextBytes} UTF-8 bytes. Kept verbatim. */
export function parseNoteText(value: unknown): string {
  if (typeof value !== 'string') {
    throw invalidArgument('note.text must be a string');
  }
  if (value.trim().length === 0) {
    throw invalidArgument('note.text must not be blank');
  }
  if (Buffer.byteLength(value, 'utf8') > LIMITS.noteTextBytes) {
    throw invalidArgument(`note.text must be at most ${LIMITS.noteTextBytes} UTF-8 bytes`);
  }
  return value;
}

/** Rejects properties other than `allowed` (a typo must not silently drop data). */
export function rejectUnknownFields(
  value: Record<string, unknown>,
  allowed: readonly string[],
  what: string,
): void {
  const unknown = Object.keys(value).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) {
    // Field names are not echoed: they come from the client and end up in peer logs.
    throw invalidArgument(`${what} has ${unknown.length} unknown field(s); allowed: ${allowed.join(', ')}`);
  }
}
