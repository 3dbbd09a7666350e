import type { Role } from '../auth/roles';

/**
 * What the gateway keeps besides the ledger. Behind this interface so that a provider running several replicas
 * can use a shared database (PostgreSQL) instead of the default embedded SQLite file; every method is async for
 * that reason.
 */
export interface GatewayStore {
  readonly users: UserRepository;
  readonly patients: PatientIndex;
  readonly requests: RequestIndex;
  /** Resolves when the database answers; for the readiness probe. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** A user enrolled through this gateway: certificate, sealed private key and password hash. */
export interface StoredUser {
  /** The CA enrollment ID. */
  readonly username: string;
  readonly mspId: string;
  /** As read from the certificate (`emr.role`), or `admin` for the registrar. */
  readonly role: Role;
  /** Enrollment certificate, PEM. */
  readonly certificate: string;
  /** The PKCS#8 PEM private key, sealed (AES-256-GCM) for this username. */
  readonly sealedPrivateKey: Uint8Array;
  /** scrypt hash of the enrollment secret. */
  readonly passwordHash: string;
  readonly createdAt: string;
}

export interface UserRepository {
  find(username: string): Promise<StoredUser | undefined>;
  /** Adds the user unless the username exists; says which happened. */
  insert(user: StoredUser): Promise<'inserted' | 'exists'>;
}

/**
 * Patient id → EMR id of this provider, for the healthcenter's erasure route (the chaincode maps EMR ids, not
 * patient ids, to records for healthcenter staff). Keyed by a keyed hash of the canonical patient id.
 */
export interface PatientIndex {
  put(patientKey: string, emrId: string): Promise<void>;
  emrIdOf(patientKey: string): Promise<string | undefined>;
}

/**
 * Access requests made through this gateway and the patient they concern (keyed hash), for the shared read by
 * owner and patient id: the chaincode's requester views name no patient.
 */
export interface RequestIndex {
  put(entry: RequestIndexEntry): Promise<void>;
  /** Request ids for that patient at that owner, newest first. */
  requestIdsOf(ownerMsp: string, patientKey: string): Promise<string[]>;
}

export interface RequestIndexEntry {
  readonly requestId: string;
  readonly ownerMsp: string;
  readonly patientKey: string;
  readonly createdAt: string;
}
