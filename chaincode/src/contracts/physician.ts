import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import { recordSharedRead, requireOwnAuditRecord, requireReadableBy } from '../domain/audit';
import { marshal } from '../domain/canonical-json';
import { appendNote, emrView, parseNote, sharedEmrView } from '../domain/emr';
import { notFound } from '../domain/errors';
import { parseRecordId } from '../domain/validation';
import { EmrContract } from './emr-contract';
import { requireRole } from './identity';
import { ProviderLedger } from './provider-ledger';
import { existingEmr, requestAtOwner, respond, respondWithEvent } from './requests';
import { transientJson, transientPatientId, txTime } from './transaction-context';

/**
 * Physicians (`emr.role=physician`). ReadEmr, GetEmrByPatientId and AddEmrNote act on the caller's own provider;
 * LogSharedEmrAccess and GetSharedEmr run on a peer of the provider that owns the shared EMR.
 */
@Info({
  title: 'Physician',
  description: 'Reading and annotating EMRs; reading EMRs shared by other providers',
})
export class PhysicianContract extends EmrContract {
  constructor() {
    super('Physician');
  }

  /** The EMR `emrId` of the caller's provider, with all notes. */
  @Transaction(false)
  @Returns('string')
  async ReadEmr(ctx: Context, emrId: string): Promise<string> {
    const caller = requireRole(ctx, 'physician');
    const id = parseRecordId(emrId, 'emrId');
    const ledger = await ProviderLedger.open(ctx, caller.msp, 'own');
    const recordKey = await ledger.recordKeyOfEmr(id);
    const emr = await existingEmr(ledger, recordKey);
    return respond(emrView(emr, await ledger.notes(recordKey, emr.noteCount)));
  }

  /** The EMR of the patient in transient `patientId` at the caller's provider, with all notes. */
  @Transaction(false)
  @Returns('string')
  async GetEmrByPatientId(ctx: Context): Promise<string> {
    const caller = requireRole(ctx, 'physician');
    const patientId = transientPatientId(ctx);
    const ledger = await ProviderLedger.open(ctx, caller.msp, 'own');
    const recordKey = ledger.recordKey(ledger.patientRef(patientId));
    const emr = await existingEmr(ledger, recordKey);
    return respond(emrView(emr, await ledger.notes(recordKey, emr.noteCount)));
  }

  /**
   * Appends a visit note (transient `note`: {"text"}) to EMR `emrId` of the caller's provider: one new key plus
   * the header's counters, whatever the number of earlier notes. Returns {emrId, seq, version}.
   */
  @Transaction()
  @Returns('string')
  async AddEmrNote(ctx: Context, emrId: string): Promise<string> {
    const caller = requireRole(ctx, 'physician');
    const id = parseRecordId(emrId, 'emrId');
    const { text } = parseNote(transientJson(ctx, 'note'));
    const at = txTime(ctx);
    const ledger = await ProviderLedger.open(ctx, caller.msp, 'own');
    const recordKey = await ledger.recordKeyOfEmr(id);
    const current = await existingEmr(ledger, recordKey);
    const { emr, note } = appendNote(current, {
      text,
      authorId: caller.id,
      authorMsp: caller.msp,
      at,
      txId: ctx.stub.getTxID(),
    });
    await ledger.putNote(recordKey, note);
    await ledger.putEmr(recordKey, emr);
    return respondWithEvent(ctx, 'EmrNoteAdded', { emrId: id, seq: note.seq, version: emr.version });
  }

  /**
   * Step 1 of a shared read (submit, endorsed by the owner): records who reads which granted request, when, at
   * which EMR version, in the owner's collection. Returns only {auditId}.
   */
  @Transaction()
  @Returns('string')
  async LogSharedEmrAccess(ctx: Context, requestId: string): Promise<string> {
    const caller = requireRole(ctx, 'physician');
    const id = parseRecordId(requestId, 'requestId');
    const at = txTime(ctx);
    const { ledger, request } = await requestAtOwner(ctx, id);
    const audit = recordSharedRead(request, caller, ctx.stub.getTxID(), at);
    await ledger.putAudit(ledger.recordKey(request.patientRef), audit);
    ctx.stub.setEvent('SharedEmrAccessLogged', marshal({ auditId: audit.auditId, requestId: id }));
    return respond({ auditId: audit.auditId });
  }

  /**
   * Step 2 of a shared read (evaluate on the owner's peer): the EMR as pinned when the request was granted,
   * provided the request is still granted and `auditId` is the caller's committed access record for it.
   */
  @Transaction(false)
  @Returns('string')
  async GetSharedEmr(ctx: Context, requestId: string, auditId: string): Promise<string> {
    const caller = requireRole(ctx, 'physician');
    const id = parseRecordId(requestId, 'requestId');
    const audited = parseRecordId(auditId, 'auditId');
    const { ledger, request } = await requestAtOwner(ctx, id);
    requireReadableBy(request, caller);
    const recordKey = ledger.recordKey(request.patientRef);
    const audit = await ledger.audit(recordKey, audited);
    if (audit === undefined) {
      throw notFound('no committed access record with this id (submit LogSharedEmrAccess first)');
    }
    requireOwnAuditRecord(audit, id, caller);
    const emr = await existingEmr(ledger, recordKey);
    const snapshot = request.snapshot;
    if (emr.emrId !== request.emrId || snapshot === undefined) {
      throw notFound('the EMR of this request no longer exists');
    }
    const notes = await ledger.notes(recordKey, snapshot.noteCount);
    return respond(sharedEmrView(emr, notes, { requestId: id, auditId: audited, snapshot }));
  }
}
