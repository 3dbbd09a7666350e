import { KeyObject, webcrypto } from 'node:crypto';
import { isIP } from 'node:net';
import * as x509 from './x509';

/** A freshly generated key pair's private half and a CSR signed with it. */
export interface KeyAndCsr {
  /** PKCS#10 certificate request, PEM. */
  readonly csrPem: string;
  /** PKCS#8 private key, PEM. */
  readonly privateKeyPem: string;
}

const keyAlgorithm: webcrypto.EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };
const signingAlgorithm: webcrypto.EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' };

/**
 * Generates an ECDSA P-256 key and a CSR with subject CN=commonName and one subjectAltName per host.
 * fabric-ca requires CN to equal the enrollment ID and replaces every other subject field itself.
 */
export async function createKeyAndCsr(commonName: string, hosts: readonly string[] = []): Promise<KeyAndCsr> {
  const keys = await webcrypto.subtle.generateKey(keyAlgorithm, true, ['sign', 'verify']);
  const extensions =
    hosts.length > 0 ? [new x509.SubjectAlternativeNameExtension(hosts.map(toGeneralName))] : [];
  const csr = await x509.Pkcs10CertificateRequestGenerator.create(
    // The JSON form escapes nothing, so any enrollment ID (commas included) survives as the CN.
    { name: [{ CN: [commonName] }], keys, signingAlgorithm, extensions },
    webcrypto,
  );
  const privateKeyPem = KeyObject.from(keys.privateKey).export({ type: 'pkcs8', format: 'pem' });
  return { csrPem: csr.toString('pem'), privateKeyPem: privateKeyPem.toString() };
}

/** An IPv4/IPv6 literal becomes an iPAddress SAN, anything else a dNSName SAN. */
export function toGeneralName(host: string): x509.JsonGeneralName {
  return { type: isIP(host) === 0 ? 'dns' : 'ip', value: host };
}
