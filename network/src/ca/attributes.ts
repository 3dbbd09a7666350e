import * as x509 from './x509';
import { CaError } from './errors';

/**
 * The X.509 extension in which fabric-ca places attributes registered with `ecert: true`, and which
 * fabric-contract-api's ClientIdentity reads (fabric-ca lib/attrmgr).
 */
export const ATTRIBUTE_EXTENSION_OID = '1.2.3.4.5.6.7.8.1';

/**
 * Reads the attributes fabric-ca embedded in a certificate: the extension value is the JSON
 * `{"attrs":{"name":"value",...}}`. Returns an empty record when the certificate has no such extension.
 *
 * @throws {@link CaError} `INVALID_CERTIFICATE` if the PEM or the extension cannot be parsed.
 */
export function readCertificateAttributes(certificatePem: string): Record<string, string> {
  const extension = parseCertificate(certificatePem).getExtension(ATTRIBUTE_EXTENSION_OID);
  if (extension === null) return {};
  return parseAttributeJson(extension.value);
}

function parseCertificate(pem: string): x509.X509Certificate {
  try {
    return new x509.X509Certificate(pem);
  } catch (cause) {
    throw new CaError('INVALID_CERTIFICATE', 'Not a PEM X.509 certificate', { cause });
  }
}

function parseAttributeJson(value: ArrayBuffer): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(value));
  } catch (cause) {
    throw new CaError('INVALID_CERTIFICATE', 'Attribute extension is not UTF-8 JSON', { cause });
  }
  const attrs = isRecord(parsed) ? parsed['attrs'] : undefined;
  if (!isRecord(attrs)) {
    throw new CaError('INVALID_CERTIFICATE', 'Attribute extension has no "attrs" object');
  }
  // Copy into a prototype-free record so names like "__proto__" stay plain data.
  const result = Object.create(null) as Record<string, string>;
  for (const [name, attrValue] of Object.entries(attrs)) {
    if (typeof attrValue !== 'string') {
      throw new CaError('INVALID_CERTIFICATE', `Attribute "${name}" is not a string`);
    }
    result[name] = attrValue;
  }
  return result;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
