import { Type, type Static, type TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { ProblemError } from '../errors/problem';
import type { ContractName, Ledger, LedgerCaller } from '../fabric/ledger';
import {
  AddedNote,
  AuditReceipt,
  AuditRecord,
  CreatedEmr,
  EmrView,
  ErasureConsent,
  OwnerRequestView,
  PatientRef,
  PublicRequestView,
  PurgeReceipt,
  SharedEmrView,
} from './schemas';

/** Demographics given when a patient is admitted; they go to the ledger in transient data only. */
export interface Demographics {
  readonly patientId: string;
  readonly name: string;
  readonly birthDate: string;
}

/** A submitted transaction's answer and its id. */
export type Submitted<T> = T & { readonly transactionId: string };

interface CallSpec {
  readonly contract: ContractName;
  readonly transaction: string;
  readonly arguments?: readonly string[];
  readonly transient?: Readonly<Record<string, string>>;
  /** The org whose peer runs the proposal; the caller's own org unless given. */
  readonly peerOrg?: string;
}

/**
 * The EMR chaincode as typed operations: which contract and transaction, evaluate or submit, which org's peer
 * (chaincode/README.md, "Operations"), and a check of every answer against its schema. Queries are always
 * evaluated — a submitted query would put health data into a block.
 */
export class EmrService {
  readonly #ledger: Ledger;

  constructor(ledger: Ledger) {
    this.#ledger = ledger;
  }

  // HealthCenter

  derivePatientRef(caller: LedgerCaller, patientId: string): Promise<string> {
    const spec = {
      contract: 'HealthCenter',
      transaction: 'DerivePatientRef',
      transient: { patientId },
    } as const;
    return this.#evaluate(caller, spec, PatientRef).then((answer) => answer.patientRef);
  }

  isPatientRegistered(caller: LedgerCaller, patientId: string): Promise<boolean> {
    const spec = {
      contract: 'HealthCenter',
      transaction: 'CheckIsPatientRegistered',
      transient: { patientId },
    } as const;
    return this.#evaluate(caller, spec, Type.Boolean());
  }

  createEmr(caller: LedgerCaller, patient: Demographics): Promise<Submitted<Static<typeof CreatedEmr>>> {
    const transient = { patient: JSON.stringify(patient) };
    return this.#submit(
      caller,
      { contract: 'HealthCenter', transaction: 'CreateEmr', transient },
      CreatedEmr,
    );
  }

  authorizeReading(caller: LedgerCaller, requestId: string): Promise<Submitted<PublicRequestView>> {
    const spec = {
      contract: 'HealthCenter',
      transaction: 'AuthorizeEmrReading',
      arguments: [requestId],
    } as const;
    return this.#submit(caller, spec, PublicRequestView);
  }

  revokeSharing(caller: LedgerCaller, requestId: string): Promise<Submitted<PublicRequestView>> {
    const spec = {
      contract: 'HealthCenter',
      transaction: 'RevokeEmrSharing',
      arguments: [requestId],
    } as const;
    return this.#submit(caller, spec, PublicRequestView);
  }

  pendingRequests(caller: LedgerCaller): Promise<OwnerRequestView[]> {
    const spec = { contract: 'HealthCenter', transaction: 'GetPendingAccessRequests' } as const;
    return this.#evaluate(caller, spec, Type.Array(OwnerRequestView));
  }

  emrAccessLog(caller: LedgerCaller, emrId: string): Promise<AuditRecord[]> {
    const spec = { contract: 'HealthCenter', transaction: 'GetEmrAccessLog', arguments: [emrId] } as const;
    return this.#evaluate(caller, spec, Type.Array(AuditRecord));
  }

  purgeEmr(caller: LedgerCaller, emrId: string): Promise<Submitted<Static<typeof PurgeReceipt>>> {
    return this.#submit(
      caller,
      { contract: 'HealthCenter', transaction: 'PurgeEmr', arguments: [emrId] },
      PurgeReceipt,
    );
  }

  // Physician

  readEmr(caller: LedgerCaller, emrId: string): Promise<EmrView> {
    return this.#evaluate(
      caller,
      { contract: 'Physician', transaction: 'ReadEmr', arguments: [emrId] },
      EmrView,
    );
  }

  emrByPatientId(caller: LedgerCaller, patientId: string): Promise<EmrView> {
    const spec = {
      contract: 'Physician',
      transaction: 'GetEmrByPatientId',
      transient: { patientId },
    } as const;
    return this.#evaluate(caller, spec, EmrView);
  }

  addNote(caller: LedgerCaller, emrId: string, text: string): Promise<Submitted<Static<typeof AddedNote>>> {
    const spec = {
      contract: 'Physician',
      transaction: 'AddEmrNote',
      arguments: [emrId],
      transient: { note: JSON.stringify({ text }) },
    } as const;
    return this.#submit(caller, spec, AddedNote);
  }

  /** Step 1 of a shared read, endorsed by the owner: the audit record. */
  logSharedAccess(
    caller: LedgerCaller,
    ownerMsp: string,
    requestId: string,
  ): Promise<Submitted<{ auditId: string }>> {
    const spec = {
      contract: 'Physician',
      transaction: 'LogSharedEmrAccess',
      arguments: [requestId],
      peerOrg: ownerMsp,
    } as const;
    return this.#submit(caller, spec, AuditReceipt);
  }

  /** Step 2 of a shared read, evaluated on the owner's peer: the pinned snapshot. */
  sharedEmr(
    caller: LedgerCaller,
    ownerMsp: string,
    requestId: string,
    auditId: string,
  ): Promise<SharedEmrView> {
    const spec = {
      contract: 'Physician',
      transaction: 'GetSharedEmr',
      arguments: [requestId, auditId],
      peerOrg: ownerMsp,
    } as const;
    return this.#evaluate(caller, spec, SharedEmrView);
  }

  // Patient

  ownEmr(caller: LedgerCaller): Promise<EmrView> {
    return this.#evaluate(caller, { contract: 'Patient', transaction: 'GetOwnEmr' }, EmrView);
  }

  visitCount(caller: LedgerCaller): Promise<number> {
    return this.#evaluate(
      caller,
      { contract: 'Patient', transaction: 'GetMedicalVisitCount' },
      Type.Integer(),
    );
  }

  approveSharing(caller: LedgerCaller, requestId: string): Promise<Submitted<PublicRequestView>> {
    const spec = { contract: 'Patient', transaction: 'ApproveEmrSharing', arguments: [requestId] } as const;
    return this.#submit(caller, spec, PublicRequestView);
  }

  removeSharing(
    caller: LedgerCaller,
    requesterMsp: string,
  ): Promise<Submitted<{ withdrawn: PublicRequestView[] }>> {
    const spec = { contract: 'Patient', transaction: 'RemoveEmrSharing', arguments: [requesterMsp] } as const;
    return this.#submitRaw(caller, spec, Type.Array(PublicRequestView)).then(({ value, transactionId }) => ({
      withdrawn: value,
      transactionId,
    }));
  }

  ownAccessRequests(caller: LedgerCaller): Promise<OwnerRequestView[]> {
    const spec = { contract: 'Patient', transaction: 'GetOwnAccessRequests' } as const;
    return this.#evaluate(caller, spec, Type.Array(OwnerRequestView));
  }

  ownAccessLog(caller: LedgerCaller): Promise<AuditRecord[]> {
    return this.#evaluate(
      caller,
      { contract: 'Patient', transaction: 'GetOwnAccessLog' },
      Type.Array(AuditRecord),
    );
  }

  consentToErasure(caller: LedgerCaller): Promise<Submitted<Static<typeof ErasureConsent>>> {
    return this.#submit(caller, { contract: 'Patient', transaction: 'ConsentToEmrErasure' }, ErasureConsent);
  }

  // Sharing

  /** Endorsed by the owner: only its peer can turn the patient id into the pseudonym. */
  requestAccess(
    caller: LedgerCaller,
    ownerMsp: string,
    patientId: string,
  ): Promise<Submitted<PublicRequestView>> {
    const spec = {
      contract: 'Sharing',
      transaction: 'RequestEmrAccess',
      arguments: [ownerMsp],
      transient: { patientId },
      peerOrg: ownerMsp,
    } as const;
    return this.#submit(caller, spec, PublicRequestView);
  }

  requesterRequests(caller: LedgerCaller): Promise<PublicRequestView[]> {
    const spec = { contract: 'Sharing', transaction: 'GetRequesterAccessRequests' } as const;
    return this.#evaluate(caller, spec, Type.Array(PublicRequestView));
  }

  async #evaluate<S extends TSchema>(caller: LedgerCaller, spec: CallSpec, schema: S): Promise<Static<S>> {
    const bytes = await this.#ledger.evaluate(toCall(caller, spec));
    return parseAnswer(spec, bytes, schema);
  }

  async #submit<S extends TSchema>(
    caller: LedgerCaller,
    spec: CallSpec,
    schema: S,
  ): Promise<Submitted<Static<S>>> {
    const { value, transactionId } = await this.#submitRaw(caller, spec, schema);
    return { ...(value as object), transactionId } as Submitted<Static<S>>;
  }

  async #submitRaw<S extends TSchema>(
    caller: LedgerCaller,
    spec: CallSpec,
    schema: S,
  ): Promise<{ value: Static<S>; transactionId: string }> {
    const { result, transactionId } = await this.#ledger.submit(toCall(caller, spec));
    return { value: parseAnswer(spec, result, schema), transactionId };
  }
}

function toCall(caller: LedgerCaller, spec: CallSpec): Parameters<Ledger['evaluate']>[0] {
  return {
    caller,
    contract: spec.contract,
    transaction: spec.transaction,
    ...(spec.arguments === undefined ? {} : { arguments: spec.arguments }),
    ...(spec.transient === undefined ? {} : { transient: spec.transient }),
    endorsingOrganizations: [spec.peerOrg ?? caller.mspId],
  };
}

const validators = new WeakMap<TSchema, ReturnType<typeof Compile>>();

/** The chaincode answers canonical JSON; anything else is a ledger fault, reported without its content. */
function parseAnswer<S extends TSchema>(spec: CallSpec, bytes: Uint8Array, schema: S): Static<S> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (cause) {
    throw new ProblemError('LEDGER_ERROR', `${spec.contract}:${spec.transaction} answered with no JSON`, {
      cause,
    });
  }
  let validator = validators.get(schema);
  if (validator === undefined) {
    validator = Compile(schema);
    validators.set(schema, validator);
  }
  if (!validator.Check(value)) {
    throw new ProblemError(
      'LEDGER_ERROR',
      `${spec.contract}:${spec.transaction} answered in an unexpected shape`,
    );
  }
  return value as Static<S>;
}
