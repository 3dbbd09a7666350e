export { readCertificateAttributes, ATTRIBUTE_EXTENSION_OID } from './attributes';
export { newCaClient } from './ca-client';
export type {
  AttributeRequest,
  CaClient,
  CaClientOptions,
  EnrollRequest,
  IdentityType,
  RegisterRequest,
  RegistrationAttribute,
} from './ca-client';
export { CaError } from './errors';
export type { CaErrorCode, CaErrorDetail, CaErrorOptions } from './errors';
