import type { AccessRequest } from './consent';
import { compareStrings } from './canonical-json';
import { forbidden } from './errors';

/**
 * One shared read, written by LogSharedEmrAccess (a submitted transaction endorsed by the owner) before the
 * evaluated GetSharedEmr may return the snapshot. Lives in the owner's implicit collection; the patient and the
 * owner's healthcenter list it.
 */
export interface AuditRecord {
  readonly auditId: string;
  readonly requestId: string;
  readonly emrId: string;
  readonly ownerMsp: string;
  readonly readerId: string;
  readonly readerMsp: string;
  readonly readAt: string;
  readonly emrVersion: number;
  readonly noteCount: number;
}

export interface Reader {
  readonly id: string;
  readonly msp: string;
}

/** Builds the audit record of a shared read; the request must be GRANTED to `reader`'s org. */
export function recordSharedRead(
  request: AccessRequest,
  reader: Reader,
  auditId: string,
  at: string,
): AuditRecord {
  requireReadableBy(request, reader);
  const snapshot = request.snapshot;
  if (snapshot === undefined) {
    throw new Error('internal: a granted request has a snapshot');
  }
  return {
    auditId,
    requestId: request.requestId,
    emrId: request.emrId,
    ownerMsp: request.ownerMsp,
    readerId: reader.id,
    readerMsp: reader.msp,
    readAt: at,
    emrVersion: snapshot.version,
    noteCount: snapshot.noteCount,
  };
}

/** A shared read needs: the reader's org is the requester, and the request is (still) GRANTED. */
export function requireReadableBy(request: AccessRequest, reader: Reader): void {
  if (request.requesterMsp !== reader.msp) {
    throw forbidden('the request was made by another provider');
  }
  if (request.status !== 'GRANTED') {
    throw forbidden(`sharing is not granted (request is ${request.status})`);
  }
}

/** GetSharedEmr: the committed audit record must be this reader's record of this request. */
export function requireOwnAuditRecord(audit: AuditRecord, requestId: string, reader: Reader): void {
  if (audit.requestId !== requestId || audit.readerId !== reader.id || audit.readerMsp !== reader.msp) {
    throw forbidden('the access record belongs to another read');
  }
}

/** The record as listed to the patient and the owner (exactly the fields above, nothing stored alongside). */
export function auditView(audit: AuditRecord): AuditRecord {
  return {
    auditId: audit.auditId,
    requestId: audit.requestId,
    emrId: audit.emrId,
    ownerMsp: audit.ownerMsp,
    readerId: audit.readerId,
    readerMsp: audit.readerMsp,
    readAt: audit.readAt,
    emrVersion: audit.emrVersion,
    noteCount: audit.noteCount,
  };
}

/** Oldest first, ties by id. */
export function byReadTime(a: AuditRecord, b: AuditRecord): number {
  return compareStrings(a.readAt, b.readAt) || compareStrings(a.auditId, b.auditId);
}
