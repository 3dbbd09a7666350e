import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import { newRequest, publicRequestView } from '../domain/consent';
import { conflict, invalidArgument } from '../domain/errors';
import { parseMspId } from '../domain/validation';
import { EmrContract } from './emr-contract';
import { requireRole } from './identity';
import { ProviderLedger } from './provider-ledger';
import { requestsOfRequester } from './request-mirror';
import { existingEmr, respond, respondWithEvent, saveRequest } from './requests';
import { transientPatientId, txTime } from './transaction-context';

/** Requests between providers, made by a physician or healthcenter user of the requesting provider. */
@Info({
  title: 'Sharing',
  description: "Asking another provider for a patient's EMR; listing one's requests",
})
export class SharingContract extends EmrContract {
  constructor() {
    super('Sharing');
  }

  /**
   * Asks provider `ownerMsp` for the EMR of the patient in transient `patientId`. Must be endorsed by a peer of
   * `ownerMsp` (it derives the pseudonym with the owner's key). Returns the new request's public view.
   */
  @Transaction()
  @Returns('string')
  async RequestEmrAccess(ctx: Context, ownerMsp: string): Promise<string> {
    const caller = requireRole(ctx, 'physician', 'healthcenter');
    const owner = parseMspId(ownerMsp, 'ownerMsp');
    if (owner === caller.msp) {
      throw invalidArgument("ownerMsp is the caller's own provider");
    }
    const patientId = transientPatientId(ctx);
    const at = txTime(ctx);
    const ledger = await ProviderLedger.open(ctx, owner, 'named');
    const patientRef = ledger.patientRef(patientId);
    const recordKey = ledger.recordKey(patientRef);
    const emr = await existingEmr(ledger, recordKey);
    const active = await ledger.activeRequests(recordKey);
    if (active.some((request) => request.requesterMsp === caller.msp && request.status === 'PENDING')) {
      throw conflict('your provider already has a pending request for this EMR');
    }
    const request = newRequest({
      requestId: ctx.stub.getTxID(),
      ownerMsp: owner,
      requesterMsp: caller.msp,
      requestedBy: caller.id,
      emrId: emr.emrId,
      patientRef,
      at,
    });
    await saveRequest(ctx, ledger, request, true);
    await ledger.putActiveRequestIds(recordKey, [...active.map((r) => r.requestId), request.requestId]);
    return respondWithEvent(ctx, 'EmrAccessRequested', publicRequestView(request));
  }

  /** Requests made by the caller's provider (any status), oldest first, from the verified public mirrors. */
  @Transaction(false)
  @Returns('string')
  async GetRequesterAccessRequests(ctx: Context): Promise<string> {
    const caller = requireRole(ctx, 'physician', 'healthcenter');
    return respond(await requestsOfRequester(ctx, caller.msp));
  }
}
