/**
 * Certificate attributes (Fabric CA `--id.attrs '<name>=<value>:ecert'`) that the chaincode reads. They are the
 * only source of a caller's role and patient pseudonym; nothing about the caller is taken from arguments.
 */
export const ATTRIBUTES = {
  /** `healthcenter` | `physician` | `patient`. Anything else (or no attribute) has no rights. */
  role: 'emr.role',
  /** Patients only: the pseudonym `DerivePatientRef` returned at registration (64 hex characters). */
  patientRef: 'emr.patientRef',
} as const;

export const ROLES = ['healthcenter', 'physician', 'patient'] as const;

export type Role = (typeof ROLES)[number];

export function parseRole(value: string | null): Role | undefined {
  return ROLES.find((role) => role === value);
}

/** Certificate OU (NodeOUs) of an org administrator: only they may initialize the provider key. */
export const ADMIN_OU = 'admin';
