/**
 * Secrets a provider's workloads mount that no platform engineer should have to make by hand: the peers' chaincode
 * builder configs (the chaincode server's address and a TLS client identity of the peer, for mutual TLS with the
 * chaincode-as-a-service) and the gateway's keys (token signing, users' keys at rest) when the spec refers to none.
 * Both are written once and kept: a new key would log every user out or make the stored user keys unreadable.
 */
import { randomBytes } from 'node:crypto';
import { enrollIdentity, enrollRegistrar, type OrgEnrollment, type SecretStore } from '@emr/network';

/** Keys of the gateway Secret (the Gateway construct's defaults). */
export const GATEWAY_KEYS = { jwtKey: 'jwt-key', keyEncryptionKey: 'key-encryption-key' } as const;

/** The chaincode builder config a peer's external builder reads (ccaas `connection.json` fields). */
export interface ChaincodeBuilderConfig {
  readonly address: string;
  readonly root_cert: string;
  readonly client_cert: string;
  readonly client_key: string;
}

/** Writes the gateway keys Secret unless it holds both keys already; whether it wrote. */
export async function ensureGatewayKeys(secrets: SecretStore, name: string): Promise<boolean> {
  const [jwt, kek] = await Promise.all([
    secrets.get({ name, key: GATEWAY_KEYS.jwtKey }),
    secrets.get({ name, key: GATEWAY_KEYS.keyEncryptionKey }),
  ]);
  if (jwt !== undefined && kek !== undefined) return false;
  // HS256 wants at least 256 bits; AES-256-GCM exactly 32 bytes (the gateway reads it as base64).
  if (jwt === undefined)
    await secrets.put({ name, key: GATEWAY_KEYS.jwtKey }, randomBytes(32).toString('hex'));
  if (kek === undefined) {
    await secrets.put({ name, key: GATEWAY_KEYS.keyEncryptionKey }, randomBytes(32).toString('base64'));
  }
  return true;
}

/**
 * Writes a peer's chaincode builder config unless present: a TLS certificate enrolled for the peer's identity
 * (registered by IdentitiesEnrolled; the enrollment secret is in `<org>-enrollments`) with the CA root the
 * chaincode server's certificate chains to.
 */
export async function ensureChaincodeBuilderConfig(
  enrollment: OrgEnrollment,
  peer: { readonly name: string; readonly chaincodeAddress: string },
  root: string,
): Promise<boolean> {
  const ref = { name: `${peer.name}-chaincode-builder`, key: 'config.json' };
  if ((await enrollment.secrets.get(ref)) !== undefined) return false;
  const registrar = await enrollRegistrar(enrollment);
  const tls = await enrollIdentity(
    enrollment,
    registrar,
    { enrollmentId: peer.name, type: 'peer' },
    { hosts: [] },
  );
  const config: ChaincodeBuilderConfig = {
    address: peer.chaincodeAddress,
    root_cert: root,
    client_cert: tls.certificate,
    client_key: tls.privateKey,
  };
  await enrollment.secrets.put(ref, JSON.stringify(config));
  return true;
}
