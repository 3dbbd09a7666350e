/**
 * Who may call what. `healthcenter`, `physician` and `patient` are the chaincode's roles (certificate attribute
 * `emr.role`); `admin` is the org's CA registrar, who registers staff and has no role on the ledger.
 */
export const ROLES = ['admin', 'healthcenter', 'physician', 'patient'] as const;
export type Role = (typeof ROLES)[number];

/** Roles the chaincode knows, as read from the `emr.role` certificate attribute. */
export const LEDGER_ROLES = ['healthcenter', 'physician', 'patient'] as const;
export type LedgerRole = (typeof LEDGER_ROLES)[number];

/** Certificate attributes the chaincode reads (chaincode/README.md). */
export const ROLE_ATTRIBUTE = 'emr.role';
export const PATIENT_REF_ATTRIBUTE = 'emr.patientRef';

export function parseLedgerRole(value: string | undefined): LedgerRole | undefined {
  return LEDGER_ROLES.find((role) => role === value);
}

/** The authenticated caller of a request, from a verified token. */
export interface Principal {
  readonly username: string;
  readonly mspId: string;
  readonly role: Role;
}
