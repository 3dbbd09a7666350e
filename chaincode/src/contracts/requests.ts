import type { Context } from 'fabric-contract-api';
import { canonicalJson } from '../domain/canonical-json';
import type { AccessRequest } from '../domain/consent';
import { snapshotOf, type EmrRecord, type Snapshot } from '../domain/emr';
import { forbidden, notFound } from '../domain/errors';
import { ProviderLedger } from './provider-ledger';
import { publishRequest, readRequestMirror } from './request-mirror';

/** Writes a request to its owner's collection and its public mirror (same transaction, same hash). */
export async function saveRequest(
  ctx: Context,
  ledger: ProviderLedger,
  request: AccessRequest,
  created: boolean,
): Promise<void> {
  const bytes = await ledger.putRequest(request, created);
  await publishRequest(ctx, request, bytes, created);
}

/** A request addressed to `ledger`'s provider (the caller's own): FORBIDDEN when addressed to another one. */
export async function ownedRequest(
  ctx: Context,
  ledger: ProviderLedger,
  requestId: string,
): Promise<AccessRequest> {
  const request = await ledger.request(requestId);
  if (request !== undefined) {
    return request;
  }
  const mirror = await readRequestMirror(ctx, requestId);
  if (mirror !== undefined && mirror.ownerMsp !== ledger.msp) {
    throw forbidden('the request is addressed to another provider');
  }
  throw notFound('no such access request');
}

/**
 * A request looked up from the requester's side: the public mirror names the owner, whose implicit collection
 * holds the authoritative record (so this must run on a peer of the owner).
 */
export async function requestAtOwner(
  ctx: Context,
  requestId: string,
): Promise<{ ledger: ProviderLedger; request: AccessRequest }> {
  const mirror = await readRequestMirror(ctx, requestId);
  if (mirror === undefined) {
    throw notFound('no such access request');
  }
  const ledger = await ProviderLedger.open(ctx, mirror.ownerMsp, 'named');
  const request = await ledger.request(requestId);
  if (request === undefined) {
    throw notFound('no such access request');
  }
  return { ledger, request };
}

/** The snapshot the second approval pins: the EMR as it stands now. */
export async function snapshotForGrant(
  ledger: ProviderLedger,
  request: AccessRequest,
  at: string,
): Promise<Snapshot> {
  const emr = await ledger.emr(ledger.recordKey(request.patientRef));
  if (emr?.emrId !== request.emrId) {
    throw notFound('the EMR of this request no longer exists');
  }
  return snapshotOf(emr, at);
}

/** The current EMR header of a patient of `ledger`'s provider, or NOT_FOUND. */
export async function existingEmr(ledger: ProviderLedger, recordKey: string): Promise<EmrRecord> {
  const emr = await ledger.emr(recordKey);
  if (emr === undefined) {
    throw notFound(`no EMR for this patient at provider ${ledger.msp}`);
  }
  return emr;
}

/** Canonical JSON response; submitted transactions also emit it as their (PHI-free) event. */
export function respond(value: unknown): string {
  return canonicalJson(value);
}

export function respondWithEvent(ctx: Context, eventName: string, value: unknown): string {
  const json = canonicalJson(value);
  ctx.stub.setEvent(eventName, Buffer.from(json, 'utf8'));
  return json;
}
