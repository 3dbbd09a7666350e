import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import { auditView, byReadTime } from '../domain/audit';
import {
  approveByPatient,
  byCreation,
  completesGrant,
  ownerRequestView,
  publicRequestView,
  withdrawByPatient,
} from '../domain/consent';
import { emrView } from '../domain/emr';
import { conflict, forbidden, notFound } from '../domain/errors';
import { parseMspId, parseRecordId } from '../domain/validation';
import { EmrContract } from './emr-contract';
import { requirePatient } from './identity';
import { ProviderLedger } from './provider-ledger';
import {
  existingEmr,
  ownedRequest,
  respond,
  respondWithEvent,
  saveRequest,
  snapshotForGrant,
} from './requests';
import { txTime } from './transaction-context';

/**
 * Patients (`emr.role=patient`, `emr.patientRef=<pseudonym>`). A patient identity is issued by the provider that
 * holds the EMR, so every call acts on the EMR of the certificate's pseudonym at the certificate's provider.
 */
@Info({ title: 'Patient', description: "A patient's own EMR, consent to sharing and access log" })
export class PatientContract extends EmrContract {
  constructor() {
    super('Patient');
  }

  /** The caller's own EMR with all notes. */
  @Transaction(false)
  @Returns('string')
  async GetOwnEmr(ctx: Context): Promise<string> {
    const caller = requirePatient(ctx);
    const ledger = await ProviderLedger.open(ctx, caller.msp, 'own');
    const recordKey = ledger.recordKey(caller.patientRef);
    const emr = await existingEmr(ledger, recordKey);
    return respond(emrView(emr, await ledger.notes(recordKey, emr.noteCount)));
  }

  /** Number of visits (notes) in the caller's EMR at the certificate's provider, as a JSON number. */
  @Transaction(false)
  @Returns('string')
  async GetMedicalVisitCount(ctx: Context): Promise<string> {
    const caller = requirePatient(ctx);
    const ledger = await ProviderLedger.open(ctx, caller.msp, 'own');
    const emr = await existingEmr(ledger, ledger.recordKey(caller.patientRef));
    return respond(emr.noteCount);
  }

  /** The patient's approval of an access request for their EMR. Returns the request's public view. */
  @Transaction()
  @Returns('string')
  async ApproveEmrSharing(ctx: Context, requestId: string): Promise<string> {
    const caller = requirePatient(ctx);
    const id = parseRecordId(requestId, 'requestId');
    const at = txTime(ctx);
    const ledger = await ProviderLedger.open(ctx, caller.msp, 'own');
    const request = await ownedRequest(ctx, ledger, id);
    if (request.patientRef !== caller.patientRef) {
      throw forbidden('the request concerns another patient');
    }
    const snapshot = completesGrant(request, 'patient')
      ? await snapshotForGrant(ledger, request, at)
      : undefined;
    const updated = approveByPatient(request, at, snapshot);
    await saveRequest(ctx, ledger, updated, false);
    return respondWithEvent(ctx, 'EmrAccessUpdated', publicRequestView(updated));
  }

  /**
   * Withdraws the patient's consent for provider `requesterMsp`: each of its pending or granted requests becomes
   * WITHDRAWN. Returns the public views of the withdrawn requests.
   */
  @Transaction()
  @Returns('string')
  async RemoveEmrSharing(ctx: Context, requesterMsp: string): Promise<string> {
    const caller = requirePatient(ctx);
    const requester = parseMspId(requesterMsp, 'requesterMsp');
    const at = txTime(ctx);
    const ledger = await ProviderLedger.open(ctx, caller.msp, 'own');
    const recordKey = ledger.recordKey(caller.patientRef);
    const active = await ledger.activeRequests(recordKey);
    const ofRequester = active.filter((request) => request.requesterMsp === requester);
    if (ofRequester.length === 0) {
      throw notFound(`no pending or granted sharing with provider ${requester}`);
    }
    const withdrawn = ofRequester.sort(byCreation).map((request) => withdrawByPatient(request, at));
    for (const request of withdrawn) {
      await saveRequest(ctx, ledger, request, false);
    }
    const remaining = active.filter((request) => request.requesterMsp !== requester);
    await ledger.putActiveRequestIds(
      recordKey,
      remaining.map((request) => request.requestId),
    );
    return respondWithEvent(ctx, 'EmrAccessUpdated', withdrawn.map(publicRequestView));
  }

  /** Every access request for the caller's EMR (any status), oldest first. */
  @Transaction(false)
  @Returns('string')
  async GetOwnAccessRequests(ctx: Context): Promise<string> {
    const caller = requirePatient(ctx);
    const ledger = await ProviderLedger.open(ctx, caller.msp, 'own');
    const requests = await ledger.requestsOf(ledger.recordKey(caller.patientRef));
    return respond(requests.sort(byCreation).map(ownerRequestView));
  }

  /** Every shared read of the caller's EMR: reader, reader's org, time, EMR version. Oldest first. */
  @Transaction(false)
  @Returns('string')
  async GetOwnAccessLog(ctx: Context): Promise<string> {
    const caller = requirePatient(ctx);
    const ledger = await ProviderLedger.open(ctx, caller.msp, 'own');
    const audits = await ledger.audits(ledger.recordKey(caller.patientRef));
    return respond(audits.sort(byReadTime).map(auditView));
  }

  /** Records the patient's consent to erase their EMR; the provider's healthcenter then runs PurgeEmr. */
  @Transaction()
  @Returns('string')
  async ConsentToEmrErasure(ctx: Context): Promise<string> {
    const caller = requirePatient(ctx);
    const at = txTime(ctx);
    const ledger = await ProviderLedger.open(ctx, caller.msp, 'own');
    const recordKey = ledger.recordKey(caller.patientRef);
    const emr = await existingEmr(ledger, recordKey);
    const existing = await ledger.erasureConsent(recordKey);
    if (existing?.emrId === emr.emrId) {
      throw conflict('erasure consent already recorded');
    }
    await ledger.putErasureConsent(recordKey, {
      emrId: emr.emrId,
      consentedAt: at,
      txId: ctx.stub.getTxID(),
    });
    return respond({ erasureConsent: 'RECORDED' });
  }
}
