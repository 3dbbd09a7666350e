import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import { auditView, byReadTime } from '../domain/audit';
import {
  approveByOwner,
  byCreation,
  completesGrant,
  ownerRequestView,
  publicRequestView,
  revokeByOwner,
  type AccessRequest,
} from '../domain/consent';
import { newEmr, parseDemographics } from '../domain/emr';
import { conflict, failedPrecondition, notFound } from '../domain/errors';
import { parseRecordId } from '../domain/validation';
import { EmrContract } from './emr-contract';
import { requireRole } from './identity';
import { ProviderLedger } from './provider-ledger';
import { ownedRequest, respond, respondWithEvent, saveRequest, snapshotForGrant } from './requests';
import { transientJson, transientPatientId, txTime } from './transaction-context';

/** Admission staff of a provider (`emr.role=healthcenter`). Every call acts on the caller's own provider. */
@Info({
  title: 'HealthCenter',
  description: 'EMR creation, patient registration and consent decisions of a provider',
})
export class HealthCenterContract extends EmrContract {
  constructor() {
    super('HealthCenter');
  }

  /** Creates the EMR of a patient. Transient `patient`: {"patientId","name","birthDate"}. Returns {emrId}. */
  @Transaction()
  @Returns('string')
  async CreateEmr(ctx: Context): Promise<string> {
    const caller = requireRole(ctx, 'healthcenter');
    const at = txTime(ctx);
    const patient = parseDemographics(transientJson(ctx, 'patient'), at.slice(0, 10));
    const ledger = await ProviderLedger.open(ctx, caller.msp, 'own');
    const patientRef = ledger.patientRef(patient.patientId);
    const recordKey = ledger.recordKey(patientRef);
    if (await ledger.hasEmr(recordKey)) {
      throw conflict('the patient already has an EMR at this provider');
    }
    const emr = newEmr({
      emrId: ctx.stub.getTxID(),
      ownerMsp: caller.msp,
      patientRef,
      patient,
      at,
      by: caller.id,
    });
    await ledger.putEmr(recordKey, emr);
    await ledger.putEmrIndex(emr.emrId, recordKey);
    return respondWithEvent(ctx, 'EmrCreated', {
      emrId: emr.emrId,
      ownerMsp: emr.ownerMsp,
      version: emr.version,
    });
  }

  /** True when the patient (transient `patientId`) already has an EMR at the caller's provider. */
  @Transaction(false)
  @Returns('string')
  async CheckIsPatientRegistered(ctx: Context): Promise<string> {
    const caller = requireRole(ctx, 'healthcenter');
    const patientId = transientPatientId(ctx);
    const ledger = await ProviderLedger.open(ctx, caller.msp, 'own');
    return respond(await ledger.hasEmr(ledger.recordKey(ledger.patientRef(patientId))));
  }

  /**
   * The pseudonym to put in a patient's certificate (`emr.patientRef`) at enrollment. Transient `patientId`.
   * Evaluate only: the pseudonym must not be linked to the patient id in a block.
   */
  @Transaction(false)
  @Returns('string')
  async DerivePatientRef(ctx: Context): Promise<string> {
    const caller = requireRole(ctx, 'healthcenter');
    const patientId = transientPatientId(ctx);
    const ledger = await ProviderLedger.open(ctx, caller.msp, 'own');
    return respond({ patientRef: ledger.patientRef(patientId) });
  }

  /** The owner's approval of a pending access request. Returns the request's public view. */
  @Transaction()
  @Returns('string')
  async AuthorizeEmrReading(ctx: Context, requestId: string): Promise<string> {
    const caller = requireRole(ctx, 'healthcenter');
    const id = parseRecordId(requestId, 'requestId');
    const at = txTime(ctx);
    const ledger = await ProviderLedger.open(ctx, caller.msp, 'own');
    const request = await ownedRequest(ctx, ledger, id);
    const snapshot = completesGrant(request, 'owner')
      ? await snapshotForGrant(ledger, request, at)
      : undefined;
    const updated = approveByOwner(request, caller.id, at, snapshot);
    await saveRequest(ctx, ledger, updated, false);
    return respondWithEvent(ctx, 'EmrAccessUpdated', publicRequestView(updated));
  }

  /** The owner withdraws its approval or refuses: the request (pending or granted) becomes REVOKED. */
  @Transaction()
  @Returns('string')
  async RevokeEmrSharing(ctx: Context, requestId: string): Promise<string> {
    const caller = requireRole(ctx, 'healthcenter');
    const id = parseRecordId(requestId, 'requestId');
    const at = txTime(ctx);
    const ledger = await ProviderLedger.open(ctx, caller.msp, 'own');
    const updated = revokeByOwner(await ownedRequest(ctx, ledger, id), at);
    await saveRequest(ctx, ledger, updated, false);
    const recordKey = ledger.recordKey(updated.patientRef);
    const stillActive = (await ledger.activeRequestIds(recordKey)).filter((activeId) => activeId !== id);
    await ledger.putActiveRequestIds(recordKey, stillActive);
    return respondWithEvent(ctx, 'EmrAccessUpdated', publicRequestView(updated));
  }

  /** Access requests addressed to the caller's provider that are still PENDING, oldest first. */
  @Transaction(false)
  @Returns('string')
  async GetPendingAccessRequests(ctx: Context): Promise<string> {
    const caller = requireRole(ctx, 'healthcenter');
    const ledger = await ProviderLedger.open(ctx, caller.msp, 'own');
    const pending = (await ledger.allRequests()).filter((request) => request.status === 'PENDING');
    return respond(pending.sort(byCreation).map(ownerRequestView));
  }

  /** Shared reads of one EMR of the caller's provider, oldest first. */
  @Transaction(false)
  @Returns('string')
  async GetEmrAccessLog(ctx: Context, emrId: string): Promise<string> {
    const caller = requireRole(ctx, 'healthcenter');
    const id = parseRecordId(emrId, 'emrId');
    const ledger = await ProviderLedger.open(ctx, caller.msp, 'own');
    const audits = await ledger.audits(await ledger.recordKeyOfEmr(id));
    return respond(audits.sort(byReadTime).map(auditView));
  }

  /**
   * GDPR erasure, with the patient's consent (Patient:ConsentToEmrErasure): purges demographics and notes from
   * the provider's peers (PurgePrivateData) and revokes every active share. Returns {emrId, purgedNotes,
   * revokedRequests}.
   */
  @Transaction()
  @Returns('string')
  async PurgeEmr(ctx: Context, emrId: string): Promise<string> {
    const caller = requireRole(ctx, 'healthcenter');
    const id = parseRecordId(emrId, 'emrId');
    const at = txTime(ctx);
    const ledger = await ProviderLedger.open(ctx, caller.msp, 'own');
    const recordKey = await ledger.recordKeyOfEmr(id);
    const emr = await ledger.emr(recordKey);
    if (emr?.emrId !== id) {
      throw notFound('the EMR has already been erased');
    }
    const consent = await ledger.erasureConsent(recordKey);
    if (consent?.emrId !== id) {
      throw failedPrecondition('the patient has not consented to the erasure of this EMR');
    }
    const active = await ledger.activeRequests(recordKey);
    await ledger.purgeEmr(recordKey, emr.noteCount);
    const revoked = await revokeAll(ctx, ledger, active, at);
    await ledger.putActiveRequestIds(recordKey, []);
    return respondWithEvent(ctx, 'EmrPurged', {
      emrId: id,
      purgedNotes: emr.noteCount,
      revokedRequests: revoked,
    });
  }
}

async function revokeAll(
  ctx: Context,
  ledger: ProviderLedger,
  requests: readonly AccessRequest[],
  at: string,
): Promise<string[]> {
  for (const request of requests) {
    await saveRequest(ctx, ledger, revokeByOwner(request, at, 'EMR_ERASED'), false);
  }
  return requests.map((request) => request.requestId).sort();
}
