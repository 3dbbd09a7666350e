/**
 * Names of what belongs to a provider, shared with the cdk8s constructs (node names = enrollment IDs) and devnet
 * (`<org>-admin`, `<org>-enrollments`), so an existing devnet or bootstrap-chart provider can be adopted.
 */
import { enrollmentSecretName } from '@emr/cdk8s';

export { enrollmentSecretName };

export const names = {
  ca: (org: string): string => `ca-${org}`,
  peer: (org: string, index: number): string => `peer${index}-${org}`,
  chaincodeServer: (org: string): string => `chaincode-${org}`,
  gateway: (org: string): string => `gateway-${org}`,
  /** Enrollment ID of the org admin the operator acts as. */
  admin: (org: string): string => `${org}-admin`,
  /** Secret with the admin's enrollment and TLS certificates and keys. */
  adminSecret: (org: string): string => `${org}-admin`,
} as const;

/** Keys of the admin Secret. */
export const ADMIN_KEYS = {
  certificate: 'cert.pem',
  privateKey: 'key.pem',
  tlsCertificate: 'tls.crt',
  tlsPrivateKey: 'tls.key',
  caCertificate: 'ca.pem',
} as const;
