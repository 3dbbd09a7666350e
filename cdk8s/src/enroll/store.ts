/**
 * Enrolled credentials kept on the workload's own persistent volume (contract.ts, point 4). Raft knows each
 * consenter by its TLS certificate: an orderer that enrolled again with a new key after its pod was recreated
 * would drop out of the consenter set. So a workload with a volume keeps the folders it enrolled and, on the
 * next start, copies them back into its memory-backed folders — as long as every certificate still chains to the
 * org's CA, is valid beyond the renewal window, matches its key, names this identity and (TLS) every host.
 * Anything else enrolls again and replaces the stored copy.
 */
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { cp, mkdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { MSP_PATHS, TLS_FILES } from '@emr/network';
import type { EnrollSettings } from './enroll';

const DEFAULT_RENEW_BEFORE_MS = 30 * 24 * 3600 * 1000;

type Folder = { readonly kind: 'msp' | 'tls'; readonly target: string };

function foldersOf(settings: EnrollSettings): Folder[] {
  return [
    ...(settings.mspDir === undefined ? [] : [{ kind: 'msp' as const, target: settings.mspDir }]),
    ...(settings.tlsDir === undefined ? [] : [{ kind: 'tls' as const, target: settings.tlsDir }]),
  ];
}

const FILES = {
  msp: { certificate: MSP_PATHS.signcert, key: MSP_PATHS.privateKey },
  tls: { certificate: TLS_FILES.certificate, key: TLS_FILES.privateKey },
} as const;

/** Why the stored credentials of one folder cannot be reused, or undefined when they can. */
async function unusable(
  settings: EnrollSettings,
  folder: Folder,
  ca: X509Certificate,
  now: number,
): Promise<string | undefined> {
  const dir = join(settings.storeDir ?? '', folder.kind);
  let certificate: X509Certificate;
  let keyPem: string;
  try {
    certificate = new X509Certificate(await readFile(join(dir, FILES[folder.kind].certificate)));
    keyPem = await readFile(join(dir, FILES[folder.kind].key), 'utf8');
  } catch {
    return `no stored ${folder.kind} credentials`;
  }
  if (!certificate.checkIssued(ca) || !certificate.verify(ca.publicKey)) {
    return `the stored ${folder.kind} certificate is not issued by the current CA`;
  }
  const renewBefore = settings.renewBeforeMs ?? DEFAULT_RENEW_BEFORE_MS;
  if (Date.parse(certificate.validTo) - now < renewBefore) {
    return `the stored ${folder.kind} certificate expires ${certificate.validTo}`;
  }
  if (!certificate.subject.split('\n').includes(`CN=${settings.enrollmentId}`)) {
    return `the stored ${folder.kind} certificate is not ${settings.enrollmentId}'s`;
  }
  if (!keyMatches(keyPem, certificate)) return `the stored ${folder.kind} key does not match its certificate`;
  if (folder.kind === 'tls') {
    const missing = missingHosts(certificate, settings.tlsHosts);
    if (missing.length > 0) return `the stored TLS certificate does not name ${missing.join(', ')}`;
  }
  return undefined;
}

function keyMatches(keyPem: string, certificate: X509Certificate): boolean {
  try {
    const publicKey = createPublicKey(createPrivateKey(keyPem)).export({ type: 'spki', format: 'der' });
    return publicKey.equals(certificate.publicKey.export({ type: 'spki', format: 'der' }));
  } catch {
    // An unreadable key is a reason to enroll again, not to fail the pod.
    return false;
  }
}

function missingHosts(certificate: X509Certificate, hosts: readonly string[]): string[] {
  const names = (certificate.subjectAltName ?? '').split(', ');
  return hosts.filter((host) => !names.includes(`DNS:${host}`) && !names.includes(`IP Address:${host}`));
}

/** Copies the stored folders into the node's folders when all of them are still good. */
export async function reuseStoredCredentials(
  settings: EnrollSettings,
  caCertificate: string,
  now = Date.now(),
): Promise<{ readonly reused: true } | { readonly reused: false; readonly reason: string }> {
  if (settings.storeDir === undefined) return { reused: false, reason: 'no credential store' };
  const ca = new X509Certificate(caCertificate);
  const folders = foldersOf(settings);
  for (const folder of folders) {
    const reason = await unusable(settings, folder, ca, now);
    if (reason !== undefined) return { reused: false, reason };
  }
  for (const folder of folders) {
    await cp(join(settings.storeDir, folder.kind), folder.target, { recursive: true, force: true });
  }
  return { reused: true };
}

/** Replaces the stored copy by the folders just written: into a fresh folder, then renamed into place. */
export async function storeCredentials(settings: EnrollSettings): Promise<void> {
  if (settings.storeDir === undefined) return;
  await mkdir(settings.storeDir, { recursive: true, mode: 0o700 });
  for (const folder of foldersOf(settings)) {
    const final = join(settings.storeDir, folder.kind);
    const fresh = `${final}.new`;
    await rm(fresh, { recursive: true, force: true });
    await cp(folder.target, fresh, { recursive: true });
    await rm(final, { recursive: true, force: true });
    await rename(fresh, final);
  }
}
