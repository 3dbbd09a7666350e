import type { Context } from 'fabric-contract-api';
import { parseJsonObject } from '../domain/canonical-json';
import { invalidArgument } from '../domain/errors';
import { LIMITS, normalizePatientId } from '../domain/validation';

/** Transaction time (client-proposed, signed, identical on every endorser) as ISO-8601 UTC. */
export function txTime(ctx: Context): string {
  return ctx.stub.getDateTimestamp().toISOString();
}

/** A required transient field (never recorded in blocks). */
export function transientBytes(ctx: Context, name: string): Uint8Array {
  const value = ctx.stub.getTransient().get(name);
  if (value === undefined || value.length === 0) {
    throw invalidArgument(`transient field ${name} is required`);
  }
  if (value.length > LIMITS.transientValueBytes) {
    throw invalidArgument(`transient field ${name} must be at most ${LIMITS.transientValueBytes} bytes`);
  }
  return value;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function transientString(ctx: Context, name: string): string {
  try {
    return utf8.decode(transientBytes(ctx, name));
  } catch (error) {
    if (error instanceof TypeError) {
      throw invalidArgument(`transient field ${name} must be UTF-8 text`);
    }
    throw error;
  }
}

export function transientJson(ctx: Context, name: string): Record<string, unknown> {
  return parseJsonObject(transientBytes(ctx, name), `transient field ${name}`);
}

/** The patient id of GetEmrByPatientId, CheckIsPatientRegistered, DerivePatientRef, RequestEmrAccess. */
export function transientPatientId(ctx: Context): string {
  return normalizePatientId(transientString(ctx, 'patientId'));
}
