import type { Contract, Gateway } from '@hyperledger/fabric-gateway';
import type { GatewayConnection } from '../../../network/src/admin/gateway-connection';
import type { AuditRecord } from '../../src/domain/audit';
import type { OwnerRequestView, PublicRequestView } from '../../src/domain/consent';
import type { EmrView, PatientDemographics, SharedEmrView } from '../../src/domain/emr';

/** A call of the EMR chaincode: `<Contract>:<Transaction>`, string arguments, transient fields, target org. */
export interface EmrCall {
  readonly args?: readonly string[];
  readonly transient?: Readonly<Record<string, string>>;
  /** MSP ID of the org whose peer must endorse or evaluate; the caller's own org when omitted. */
  readonly on?: string;
}

/**
 * A user of one provider, connected to that provider's peer (its Gateway), calling the EMR chaincode exactly as
 * chaincode/README.md tells a client to: queries evaluated, changes submitted, each sent to the org named there.
 */
export class EmrClient implements Disposable {
  readonly mspId: string;
  readonly #contract: Contract;
  readonly #connection: GatewayConnection;

  constructor(connection: GatewayConnection, channel: string, chaincode: string) {
    this.#connection = connection;
    this.mspId = connection.gateway.getIdentity().mspId;
    this.#contract = connection.gateway.getNetwork(channel).getContract(chaincode);
  }

  /** The underlying Gateway, for what is not an EMR transaction (block events, ledger height). */
  get gateway(): Gateway {
    return this.#connection.gateway;
  }

  /** Submits and waits for the commit; returns the parsed (PHI-free) response. */
  async submit<T = unknown>(transaction: string, call: EmrCall = {}): Promise<T> {
    return parse(await explained(transaction, this.#contract.submit(transaction, this.#options(call)))) as T;
  }

  /** Evaluates on one peer; nothing is ordered or recorded. */
  async evaluate<T = unknown>(transaction: string, call: EmrCall = {}): Promise<T> {
    return parse(
      await explained(transaction, this.#contract.evaluate(transaction, this.#options(call))),
    ) as T;
  }

  #options(call: EmrCall): {
    arguments: string[];
    transientData: Record<string, string>;
    endorsingOrganizations: string[];
  } {
    return {
      arguments: [...(call.args ?? [])],
      transientData: { ...call.transient },
      endorsingOrganizations: [call.on ?? this.mspId],
    };
  }

  close(): void {
    this.#connection.close();
  }

  [Symbol.dispose](): void {
    this.close();
  }
}

export interface CreatedEmr {
  readonly emrId: string;
  readonly ownerMsp: string;
  readonly version: number;
}

export interface AddedNote {
  readonly emrId: string;
  readonly seq: number;
  readonly version: number;
}

/** Admission staff (`emr.role=healthcenter`). */
export class HealthCenterClient extends EmrClient {
  createEmr(patient: PatientDemographics): Promise<CreatedEmr> {
    return this.submit('HealthCenter:CreateEmr', { transient: { patient: JSON.stringify(patient) } });
  }

  isPatientRegistered(patientId: string): Promise<boolean> {
    return this.evaluate('HealthCenter:CheckIsPatientRegistered', { transient: { patientId } });
  }

  async derivePatientRef(patientId: string): Promise<string> {
    const { patientRef } = await this.evaluate<{ patientRef: string }>('HealthCenter:DerivePatientRef', {
      transient: { patientId },
    });
    return patientRef;
  }

  authorizeEmrReading(requestId: string): Promise<PublicRequestView> {
    return this.submit('HealthCenter:AuthorizeEmrReading', { args: [requestId] });
  }

  revokeEmrSharing(requestId: string): Promise<PublicRequestView> {
    return this.submit('HealthCenter:RevokeEmrSharing', { args: [requestId] });
  }

  pendingAccessRequests(): Promise<OwnerRequestView[]> {
    return this.evaluate('HealthCenter:GetPendingAccessRequests');
  }

  emrAccessLog(emrId: string): Promise<AuditRecord[]> {
    return this.evaluate('HealthCenter:GetEmrAccessLog', { args: [emrId] });
  }

  purgeEmr(emrId: string): Promise<{ emrId: string; purgedNotes: number; revokedRequests: string[] }> {
    return this.submit('HealthCenter:PurgeEmr', { args: [emrId] });
  }

  requestEmrAccess(ownerMsp: string, patientId: string): Promise<PublicRequestView> {
    return requestEmrAccess(this, ownerMsp, patientId);
  }
}

/** Physicians (`emr.role=physician`). */
export class PhysicianClient extends EmrClient {
  readEmr(emrId: string): Promise<EmrView> {
    return this.evaluate('Physician:ReadEmr', { args: [emrId] });
  }

  emrByPatientId(patientId: string): Promise<EmrView> {
    return this.evaluate('Physician:GetEmrByPatientId', { transient: { patientId } });
  }

  addEmrNote(emrId: string, text: string): Promise<AddedNote> {
    return this.submit('Physician:AddEmrNote', {
      args: [emrId],
      transient: { note: JSON.stringify({ text }) },
    });
  }

  requestEmrAccess(ownerMsp: string, patientId: string): Promise<PublicRequestView> {
    return requestEmrAccess(this, ownerMsp, patientId);
  }

  requesterAccessRequests(): Promise<PublicRequestView[]> {
    return this.evaluate('Sharing:GetRequesterAccessRequests');
  }

  /** Step 1 of a shared read: submitted on the owner's peer, records the read; returns the audit id. */
  async logSharedEmrAccess(ownerMsp: string, requestId: string): Promise<string> {
    const { auditId } = await this.submit<{ auditId: string }>('Physician:LogSharedEmrAccess', {
      args: [requestId],
      on: ownerMsp,
    });
    return auditId;
  }

  /** Step 2: evaluated on the owner's peer, returns the snapshot if the audit record is committed. */
  sharedEmr(ownerMsp: string, requestId: string, auditId: string): Promise<SharedEmrView> {
    return this.evaluate('Physician:GetSharedEmr', { args: [requestId, auditId], on: ownerMsp });
  }

  /** Both steps, as the gateway does them. */
  async readSharedEmr(ownerMsp: string, requestId: string): Promise<SharedEmrView> {
    return this.sharedEmr(ownerMsp, requestId, await this.logSharedEmrAccess(ownerMsp, requestId));
  }
}

/** Patients (`emr.role=patient`, `emr.patientRef`), enrolled at the provider that holds their EMR. */
export class PatientClient extends EmrClient {
  ownEmr(): Promise<EmrView> {
    return this.evaluate('Patient:GetOwnEmr');
  }

  medicalVisitCount(): Promise<number> {
    return this.evaluate('Patient:GetMedicalVisitCount');
  }

  approveEmrSharing(requestId: string): Promise<PublicRequestView> {
    return this.submit('Patient:ApproveEmrSharing', { args: [requestId] });
  }

  removeEmrSharing(requesterMsp: string): Promise<PublicRequestView[]> {
    return this.submit('Patient:RemoveEmrSharing', { args: [requesterMsp] });
  }

  ownAccessRequests(): Promise<OwnerRequestView[]> {
    return this.evaluate('Patient:GetOwnAccessRequests');
  }

  ownAccessLog(): Promise<AuditRecord[]> {
    return this.evaluate('Patient:GetOwnAccessLog');
  }

  consentToEmrErasure(): Promise<{ erasureConsent: string }> {
    return this.submit('Patient:ConsentToEmrErasure');
  }
}

/** RequestEmrAccess is endorsed by the owner: only its peer holds the key that turns a patient id into a pseudonym. */
function requestEmrAccess(
  client: EmrClient,
  ownerMsp: string,
  patientId: string,
): Promise<PublicRequestView> {
  return client.submit('Sharing:RequestEmrAccess', {
    args: [ownerMsp],
    transient: { patientId },
    on: ownerMsp,
  });
}

/**
 * A failed call with the peers' answers in its message (jest prints only the message) and the fabric-gateway
 * `details` kept for assertions. Chaincode messages carry no PHI.
 */
export class EmrCallError extends Error {
  override readonly name = 'EmrCallError';
  readonly details: readonly { readonly message: string }[];

  constructor(transaction: string, cause: unknown) {
    const details = (cause as { details?: { message: string }[] }).details ?? [];
    super(`${transaction}: ${String(cause)} [${details.map((d) => d.message).join('; ')}]`, { cause });
    this.details = details;
  }
}

async function explained(transaction: string, call: Promise<Uint8Array>): Promise<Uint8Array> {
  try {
    return await call;
  } catch (err) {
    throw new EmrCallError(transaction, err);
  }
}

function parse(bytes: Uint8Array): unknown {
  return JSON.parse(Buffer.from(bytes).toString('utf8'));
}
