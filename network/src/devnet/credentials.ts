import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Identity } from '../identity/identity';
import { MSP_PATHS, TLS_FILES, writeLocalMsp, writeTlsFiles } from '../identity/msp';
import type { NodeCredentials } from '../provider/identities';

/** Devnet keeps credentials as Fabric's own folder layouts (MSP, TLS), so the peer CLI can use them too. */
export async function saveNodeCredentials(
  dir: string,
  credentials: NodeCredentials,
  caCertificate: string,
): Promise<void> {
  if (credentials.signing) {
    await writeLocalMsp(join(dir, 'msp'), {
      identity: credentials.signing,
      caCertificate,
      tlsCaCertificate: caCertificate,
      nodeOUs: true,
    });
  }
  await writeTlsFiles(join(dir, 'tls'), { identity: credentials.tls, caCertificate });
}

export async function loadMspIdentity(mspDir: string, mspId: string): Promise<Identity> {
  return {
    mspId,
    certificate: await readFile(join(mspDir, MSP_PATHS.signcert), 'utf8'),
    privateKey: await readFile(join(mspDir, MSP_PATHS.privateKey), 'utf8'),
  };
}

export async function loadTlsIdentity(tlsDir: string, mspId: string): Promise<Identity> {
  return {
    mspId,
    certificate: await readFile(join(tlsDir, TLS_FILES.certificate), 'utf8'),
    privateKey: await readFile(join(tlsDir, TLS_FILES.privateKey), 'utf8'),
  };
}
