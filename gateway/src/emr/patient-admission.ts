import type { LedgerCaller } from '../fabric/ledger';
import { ProblemError } from '../errors/problem';
import type { UserDirectory } from '../identity/user-directory';
import type { PatientIndex } from '../store/store';
import type { Demographics, EmrService } from './emr-service';

/** What the healthcenter hands to the patient: how to log in once, and the new EMR's id. */
export interface Admission {
  readonly username: string;
  readonly enrollmentSecret: string;
  readonly emrId: string;
  readonly ownerMsp: string;
  readonly transactionId: string;
}

/** The canonical form of a patient id, as the chaincode compares them (upper case). */
export function canonicalPatientId(patientId: string): string {
  return patientId.toUpperCase();
}

/**
 * Admission of a patient by a healthcenter user (chaincode/README.md, "Patient enrollment"): refuse a duplicate,
 * derive the pseudonym on the own peer (evaluate: it must never be linked to the id in a block), register the
 * patient with the CA under an opaque username carrying `emr.role=patient` and `emr.patientRef`, create the EMR
 * with the demographics in transient data, and remember patient → EMR for the erasure route.
 */
export class PatientAdmission {
  constructor(
    private readonly emr: EmrService,
    private readonly directory: UserDirectory,
    private readonly patients: PatientIndex,
    private readonly patientKey: (canonicalPatientId: string) => string,
  ) {}

  async admit(healthcenter: LedgerCaller, patient: Demographics): Promise<Admission> {
    if (await this.emr.isPatientRegistered(healthcenter, patient.patientId)) {
      throw new ProblemError('CONFLICT', 'The patient already has an EMR at this provider');
    }
    const patientRef = await this.emr.derivePatientRef(healthcenter, patient.patientId);
    const { username, secret } = await this.directory.registerPatient(patientRef);
    const created = await this.emr.createEmr(healthcenter, patient);
    await this.patients.put(this.patientKey(canonicalPatientId(patient.patientId)), created.emrId);
    return {
      username,
      enrollmentSecret: secret,
      emrId: created.emrId,
      ownerMsp: created.ownerMsp,
      transactionId: created.transactionId,
    };
  }

  /** The EMR id of a patient admitted through this gateway. */
  async emrIdOf(patientId: string): Promise<string> {
    const emrId = await this.patients.emrIdOf(this.patientKey(canonicalPatientId(patientId)));
    if (emrId === undefined) {
      throw new ProblemError('NOT_FOUND', 'No EMR of this patient was created through this gateway');
    }
    return emrId;
  }
}
