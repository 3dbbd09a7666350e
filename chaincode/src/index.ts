import { HealthCenterContract } from './contracts/health-center';
import { PatientContract } from './contracts/patient';
import { PhysicianContract } from './contracts/physician';
import { ProviderContract } from './contracts/provider';
import { SharingContract } from './contracts/sharing';
import { exitOnTermination } from './shutdown';

export { HealthCenterContract } from './contracts/health-center';
export { PatientContract } from './contracts/patient';
export { PhysicianContract } from './contracts/physician';
export { ProviderContract } from './contracts/provider';
export { SharingContract } from './contracts/sharing';
export { ERROR_CODES, errorCodeOf, type ErrorCode } from './domain/errors';
export { ATTRIBUTES, ROLES, type Role } from './domain/roles';

/**
 * The contracts the shim serves (`fabric-chaincode-node server` loads package.json `main` → `contracts`).
 * Fully-qualified names are `<Contract>:<Transaction>`, e.g. `HealthCenter:CreateEmr`; HealthCenter, first, is
 * also the default contract for unqualified names.
 */
export const contracts = [
  HealthCenterContract,
  PhysicianContract,
  PatientContract,
  SharingContract,
  ProviderContract,
];

exitOnTermination();
