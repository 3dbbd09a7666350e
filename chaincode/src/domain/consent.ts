import type { Snapshot } from './emr';
import { compareStrings } from './canonical-json';
import { conflict } from './errors';

/**
 * Consent state machine of one access request (a provider asking for a patient's EMR held by another provider).
 *
 * ```
 *             owner approves / patient approves (either order)
 *   PENDING ──────────────────────────────────────────────────► GRANTED (snapshot pinned at the 2nd approval)
 *     │  │                                                          │  │
 *     │  └── patient withdraws (RemoveEmrSharing) ──► WITHDRAWN ◄───┘  │
 *     └───── owner revokes / EMR erased ──────────► REVOKED   ◄──────┘
 * ```
 * WITHDRAWN and REVOKED are final: newer data needs a new request.
 */
export const REQUEST_STATUSES = ['PENDING', 'GRANTED', 'WITHDRAWN', 'REVOKED'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

export type ClosedReason = 'WITHDRAWN_BY_PATIENT' | 'REVOKED_BY_OWNER' | 'EMR_ERASED';

export interface AccessRequest {
  readonly requestId: string;
  readonly ownerMsp: string;
  readonly requesterMsp: string;
  readonly requestedBy: string;
  readonly emrId: string;
  readonly patientRef: string;
  readonly status: RequestStatus;
  readonly ownerApproval?: { readonly by: string; readonly at: string };
  readonly patientApproval?: { readonly at: string };
  readonly snapshot?: Snapshot;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly closedReason?: ClosedReason;
}

/** What anyone on the channel may see about a request (public mirror, submitted-transaction responses). */
export interface PublicRequestView {
  readonly requestId: string;
  readonly ownerMsp: string;
  readonly requesterMsp: string;
  readonly status: RequestStatus;
  readonly ownerApproved: boolean;
  readonly patientApproved: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** What the owner's healthcenter and the patient see (evaluated queries on the owner's peer). */
export interface OwnerRequestView extends PublicRequestView {
  readonly emrId: string;
  readonly requestedBy: string;
  readonly snapshot?: Snapshot;
  readonly closedReason?: ClosedReason;
}

export interface NewRequest {
  readonly requestId: string;
  readonly ownerMsp: string;
  readonly requesterMsp: string;
  readonly requestedBy: string;
  readonly emrId: string;
  readonly patientRef: string;
  readonly at: string;
}

export function newRequest(input: NewRequest): AccessRequest {
  return {
    requestId: input.requestId,
    ownerMsp: input.ownerMsp,
    requesterMsp: input.requesterMsp,
    requestedBy: input.requestedBy,
    emrId: input.emrId,
    patientRef: input.patientRef,
    status: 'PENDING',
    createdAt: input.at,
    updatedAt: input.at,
  };
}

export function isActive(request: AccessRequest): boolean {
  return request.status === 'PENDING' || request.status === 'GRANTED';
}

function requirePending(request: AccessRequest): void {
  if (request.status !== 'PENDING') {
    throw conflict(`request is ${request.status}`);
  }
}

/**
 * True when the approval about to be given would be the second one, i.e. the caller must read the EMR header and
 * pass its snapshot. False when the approval will be rejected anyway (closed request, repeated approval).
 */
export function completesGrant(request: AccessRequest, approver: 'owner' | 'patient'): boolean {
  if (request.status !== 'PENDING') {
    return false;
  }
  return approver === 'owner'
    ? request.ownerApproval === undefined && request.patientApproval !== undefined
    : request.patientApproval === undefined && request.ownerApproval !== undefined;
}

function grantIfComplete(request: AccessRequest, snapshot: Snapshot | undefined): AccessRequest {
  if (request.ownerApproval === undefined || request.patientApproval === undefined) {
    return request;
  }
  if (snapshot === undefined) {
    throw new Error('internal: the second approval needs the EMR snapshot');
  }
  return { ...request, status: 'GRANTED', snapshot };
}

/** The owner provider's healthcenter approves (AuthorizeEmrReading). */
export function approveByOwner(
  request: AccessRequest,
  by: string,
  at: string,
  snapshot: Snapshot | undefined,
): AccessRequest {
  requirePending(request);
  if (request.ownerApproval !== undefined) {
    throw conflict('the owner already approved this request');
  }
  return grantIfComplete({ ...request, ownerApproval: { by, at }, updatedAt: at }, snapshot);
}

/** The patient approves (ApproveEmrSharing). */
export function approveByPatient(
  request: AccessRequest,
  at: string,
  snapshot: Snapshot | undefined,
): AccessRequest {
  requirePending(request);
  if (request.patientApproval !== undefined) {
    throw conflict('the patient already approved this request');
  }
  return grantIfComplete({ ...request, patientApproval: { at }, updatedAt: at }, snapshot);
}

/** The patient withdraws approval (RemoveEmrSharing): a pending or granted request becomes WITHDRAWN. */
export function withdrawByPatient(request: AccessRequest, at: string): AccessRequest {
  if (!isActive(request)) {
    throw conflict(`request is ${request.status}`);
  }
  return { ...request, status: 'WITHDRAWN', closedReason: 'WITHDRAWN_BY_PATIENT', updatedAt: at };
}

/** The owner revokes (RevokeEmrSharing) or the EMR is erased: a pending or granted request becomes REVOKED. */
export function revokeByOwner(
  request: AccessRequest,
  at: string,
  reason: 'REVOKED_BY_OWNER' | 'EMR_ERASED' = 'REVOKED_BY_OWNER',
): AccessRequest {
  if (!isActive(request)) {
    throw conflict(`request is ${request.status}`);
  }
  return { ...request, status: 'REVOKED', closedReason: reason, updatedAt: at };
}

export function publicRequestView(request: AccessRequest): PublicRequestView {
  return {
    requestId: request.requestId,
    ownerMsp: request.ownerMsp,
    requesterMsp: request.requesterMsp,
    status: request.status,
    ownerApproved: request.ownerApproval !== undefined,
    patientApproved: request.patientApproval !== undefined,
    createdAt: request.createdAt,
    updatedAt: request.updatedAt,
  };
}

export function ownerRequestView(request: AccessRequest): OwnerRequestView {
  return {
    ...publicRequestView(request),
    emrId: request.emrId,
    requestedBy: request.requestedBy,
    snapshot: request.snapshot,
    closedReason: request.closedReason,
  };
}

/** Oldest first, ties by id: a stable order for every listing. */
export function byCreation<T extends { readonly createdAt: string; readonly requestId: string }>(
  a: T,
  b: T,
): number {
  return compareStrings(a.createdAt, b.createdAt) || compareStrings(a.requestId, b.requestId);
}
