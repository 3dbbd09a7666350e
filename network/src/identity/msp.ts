import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Identity } from './identity';

/** What a local MSP folder holds for one enrolled identity. */
export interface LocalMspOptions {
  readonly identity: Identity;
  /** Root certificate(s) of the CA that issued `identity`, PEM; Fabric rejects intermediates in cacerts. */
  readonly caCertificate: string;
  /** Root certificates of the organization's TLS CA, PEM. */
  readonly tlsCaCertificate: string;
  /** Write config.yaml enabling NodeOUs (client/peer/admin/orderer roles from the certificate's OU). */
  readonly nodeOUs: boolean;
}

/** What a node's TLS folder holds. */
export interface TlsFilesOptions {
  /** The TLS identity, enrolled with profile `tls`. */
  readonly identity: Identity;
  /** Root certificates of the TLS CA that issued it, PEM. */
  readonly caCertificate: string;
}

/** Paths below an MSP folder, relative so config.yaml can refer to them. */
export const MSP_PATHS = {
  signcert: 'signcerts/cert.pem',
  privateKey: 'keystore/priv_sk',
  cacert: 'cacerts/ca.pem',
  tlscacert: 'tlscacerts/ca.pem',
  config: 'config.yaml',
} as const;

/** File names in a TLS folder, as Fabric's samples and the peer/orderer configs name them. */
export const TLS_FILES = {
  certificate: 'server.crt',
  privateKey: 'server.key',
  caCertificate: 'ca.crt',
} as const;

const NODE_OU_ROLES = [
  ['ClientOUIdentifier', 'client'],
  ['PeerOUIdentifier', 'peer'],
  ['AdminOUIdentifier', 'admin'],
  ['OrdererOUIdentifier', 'orderer'],
] as const;

/**
 * Writes the local MSP folder a peer, orderer or admin CLI reads (`CORE_PEER_MSPCONFIGPATH`,
 * `ORDERER_GENERAL_LOCALMSPDIR`). Existing files are overwritten; the private key gets mode 0600.
 */
export async function writeLocalMsp(dir: string, options: LocalMspOptions): Promise<void> {
  await writePublic(dir, MSP_PATHS.signcert, options.identity.certificate);
  await writePrivate(dir, MSP_PATHS.privateKey, options.identity.privateKey);
  await writePublic(dir, MSP_PATHS.cacert, options.caCertificate);
  await writePublic(dir, MSP_PATHS.tlscacert, options.tlsCaCertificate);
  if (options.nodeOUs) await writePublic(dir, MSP_PATHS.config, nodeOUsConfig(MSP_PATHS.cacert));
}

/** Writes `server.crt`, `server.key` (mode 0600) and `ca.crt` into `dir`. */
export async function writeTlsFiles(dir: string, options: TlsFilesOptions): Promise<void> {
  await writePublic(dir, TLS_FILES.certificate, options.identity.certificate);
  await writePrivate(dir, TLS_FILES.privateKey, options.identity.privateKey);
  await writePublic(dir, TLS_FILES.caCertificate, options.caCertificate);
}

/**
 * The MSP config.yaml that turns on NodeOUs: an identity's role is the OU fabric-ca put in its certificate
 * (OU=client|peer|admin|orderer), valid when issued by the CA in `cacertPath`.
 */
export function nodeOUsConfig(cacertPath: string): string {
  const identifiers = NODE_OU_ROLES.map(
    ([key, ou]) => `  ${key}:\n    Certificate: ${cacertPath}\n    OrganizationalUnitIdentifier: ${ou}\n`,
  );
  return `NodeOUs:\n  Enable: true\n${identifiers.join('')}`;
}

async function writePublic(dir: string, relativePath: string, content: string): Promise<void> {
  const path = join(dir, relativePath);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, content, { mode: 0o644 });
}

async function writePrivate(dir: string, relativePath: string, content: string): Promise<void> {
  const path = join(dir, relativePath);
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  // writeFile's mode applies only on creation: remove an older file rather than write the key into its mode.
  await rm(path, { force: true });
  await writeFile(path, content, { mode: 0o600, flag: 'wx' });
}
