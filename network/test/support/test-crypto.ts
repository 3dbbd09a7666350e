/**
 * Throwaway crypto material for tests: per organization a self-signed signing CA and TLS CA, identities whose OU
 * (client, peer, admin, orderer) lets NodeOUs classify them, TLS certificates for localhost/127.0.0.1, and local MSP
 * folders laid out as Fabric nodes read them. Never for real networks: keys live in memory and temp folders.
 */
import { KeyObject, randomBytes, webcrypto } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

// Through the CA module's re-export, which loads the reflect-metadata polyfill @peculiar/x509 needs first.
import * as x509 from '../../src/ca/x509';

import type { OrganizationDefinition } from '../../src/admin/configtx';
import type { Identity } from '../../src/identity/identity';

/** The OUs Fabric's NodeOUs classify identities by. */
export type NodeOU = 'client' | 'peer' | 'admin' | 'orderer';

const EC_KEY = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNING_ALGORITHM = { name: 'ECDSA', hash: 'SHA-256' } as const;
const VALIDITY_MS = 24 * 60 * 60 * 1000;
/** Back-date certificates a little so a clock a few seconds behind does not reject them. */
const CLOCK_SKEW_MS = 60 * 60 * 1000;

interface CertificateAuthority {
  readonly certificate: x509.X509Certificate;
  readonly keys: webcrypto.CryptoKeyPair;
  readonly pem: string;
}

/** One organization's test CAs and a way to issue its identities. */
export interface TestOrganization {
  readonly mspId: string;
  /** PEM of the CA that issues the organization's signing identities. */
  readonly caCertificate: string;
  /** PEM of the CA that issues the organization's TLS certificates. */
  readonly tlsCaCertificate: string;
  /** A signing identity with OU `ou`, e.g. enroll('admin', 'Admin@org1'). */
  enroll(ou: NodeOU, commonName: string): Promise<Identity>;
  /** A TLS certificate for server and client use, valid for localhost and 127.0.0.1. */
  enrollTls(commonName: string): Promise<Identity>;
  /** The organization as a channel member, with NodeOUs on. */
  definition(
    extra?: Pick<OrganizationDefinition, 'anchorPeers' | 'ordererEndpoints'>,
  ): OrganizationDefinition;
}

/** Creates an organization with fresh CAs. */
export async function createTestOrganization(mspId: string): Promise<TestOrganization> {
  const domain = mspId.toLowerCase();
  const ca = await createCa(`ca.${domain}`, mspId);
  const tlsCa = await createCa(`tlsca.${domain}`, mspId);
  return {
    mspId,
    caCertificate: ca.pem,
    tlsCaCertificate: tlsCa.pem,
    enroll: (ou, commonName) =>
      issue(ca, mspId, `CN=${commonName}, OU=${ou}, O=${mspId}`, leafExtensions(false)),
    enrollTls: (commonName) => issue(tlsCa, mspId, `CN=${commonName}, O=${mspId}`, leafExtensions(true)),
    definition: (extra) => ({
      mspId,
      rootCertificates: [ca.pem],
      tlsRootCertificates: [tlsCa.pem],
      nodeOUs: true,
      ...extra,
    }),
  };
}

/**
 * Writes a local MSP folder for `identity` as peers, orderers and configtxgen read it: signcerts, keystore/priv_sk,
 * cacerts, tlscacerts and a config.yaml enabling NodeOUs. Returns the folder.
 */
export async function writeLocalMsp(dir: string, org: TestOrganization, identity: Identity): Promise<string> {
  const files: Record<string, string> = {
    'signcerts/cert.pem': identity.certificate,
    'keystore/priv_sk': identity.privateKey,
    'cacerts/ca.pem': org.caCertificate,
    'tlscacerts/tlsca.pem': org.tlsCaCertificate,
    'config.yaml': nodeOusConfigYaml('cacerts/ca.pem'),
  };
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(dir, name);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, content, { mode: 0o600 });
  }
  return dir;
}

function nodeOusConfigYaml(caFile: string): string {
  const identifier = (key: string, ou: NodeOU): string =>
    `  ${key}:\n    Certificate: ${caFile}\n    OrganizationalUnitIdentifier: ${ou}\n`;
  return (
    'NodeOUs:\n  Enable: true\n' +
    identifier('ClientOUIdentifier', 'client') +
    identifier('PeerOUIdentifier', 'peer') +
    identifier('AdminOUIdentifier', 'admin') +
    identifier('OrdererOUIdentifier', 'orderer')
  );
}

async function createCa(commonName: string, organization: string): Promise<CertificateAuthority> {
  const keys = await webcrypto.subtle.generateKey(EC_KEY, true, ['sign', 'verify']);
  const certificate = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: positiveSerialNumber(),
      name: `CN=${commonName}, O=${organization}`,
      notBefore: new Date(Date.now() - CLOCK_SKEW_MS),
      notAfter: new Date(Date.now() + VALIDITY_MS),
      keys,
      signingAlgorithm: SIGNING_ALGORITHM,
      extensions: [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(
          x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature,
          true,
        ),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, webcrypto),
      ],
    },
    webcrypto,
  );
  return { certificate, keys, pem: certificate.toString('pem') + '\n' };
}

function leafExtensions(tls: boolean): x509.Extension[] {
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    tls
      ? new x509.KeyUsagesExtension(
          x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
          true,
        )
      : new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
  ];
  if (tls) {
    extensions.push(
      new x509.ExtendedKeyUsageExtension([
        x509.ExtendedKeyUsage.serverAuth,
        x509.ExtendedKeyUsage.clientAuth,
      ]),
      new x509.SubjectAlternativeNameExtension([
        { type: 'dns', value: 'localhost' },
        { type: 'ip', value: '127.0.0.1' },
      ]),
    );
  }
  return extensions;
}

async function issue(
  ca: CertificateAuthority,
  mspId: string,
  subject: string,
  extensions: x509.Extension[],
): Promise<Identity> {
  const keys = await webcrypto.subtle.generateKey(EC_KEY, true, ['sign', 'verify']);
  const certificate = await x509.X509CertificateGenerator.create(
    {
      serialNumber: positiveSerialNumber(),
      subject,
      issuer: ca.certificate.subject,
      notBefore: new Date(Date.now() - CLOCK_SKEW_MS),
      notAfter: new Date(Date.now() + VALIDITY_MS),
      publicKey: keys.publicKey,
      signingKey: ca.keys.privateKey,
      signingAlgorithm: SIGNING_ALGORITHM,
      extensions: [
        ...extensions,
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, webcrypto),
        await x509.AuthorityKeyIdentifierExtension.create(ca.keys.publicKey, false, webcrypto),
      ],
    },
    webcrypto,
  );
  const privateKey = KeyObject.from(keys.privateKey).export({ type: 'pkcs8', format: 'pem' }).toString();
  return { mspId, certificate: certificate.toString('pem') + '\n', privateKey };
}

/** Go's x509 parser rejects negative serial numbers: keep the leading byte below 0x80. */
function positiveSerialNumber(): string {
  return '01' + randomBytes(15).toString('hex');
}
