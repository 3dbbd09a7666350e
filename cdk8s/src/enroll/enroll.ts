/**
 * The enroll step of a workload (see ./contract.ts): enroll a registered node identity at the org's CA and
 * write Fabric's MSP and TLS folders — the same writers devnet uses (writeLocalMsp, writeTlsFiles), so a node
 * in a pod reads exactly the files a devnet node reads.
 */
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { CaError, newCaClient, writeLocalMsp, writeTlsFiles } from '@emr/network';
import { ENROLL_ENV } from './contract';
import { reuseStoredCredentials, storeCredentials } from './store';

export interface EnrollSettings {
  readonly caUrl: string;
  readonly caName: string;
  readonly caTrustFile: string;
  readonly mspId: string;
  readonly enrollmentId: string;
  readonly secretFile: string;
  readonly tlsHosts: readonly string[];
  /** Write the enrollment certificate's MSP folder here; skipped when undefined (TLS-only identities). */
  readonly mspDir?: string;
  /** Write server.crt, server.key and ca.crt here; skipped when undefined. */
  readonly tlsDir?: string;
  /** How long to keep retrying while the CA is unreachable or the identity is not registered yet. */
  readonly timeoutMs: number;
  /** Keep the enrolled folders here and reuse them while valid (./store.ts); enroll every time when undefined. */
  readonly storeDir?: string;
  /** Enroll again once a stored certificate expires within this window. @default 30 days */
  readonly renewBeforeMs?: number;
}

export class EnrollConfigError extends Error {
  override readonly name = 'EnrollConfigError';
}

/** Reads the settings from the environment the construct sets (ENROLL_ENV). */
export function settingsFromEnv(env: NodeJS.ProcessEnv): EnrollSettings {
  const required = (name: string): string => {
    const value = env[name];
    if (value === undefined || value === '') throw new EnrollConfigError(`${name} is not set`);
    return value;
  };
  const optionalDir = (name: string): string | undefined => (env[name] ? env[name] : undefined);
  const settings: EnrollSettings = {
    caUrl: required(ENROLL_ENV.caUrl),
    caName: required(ENROLL_ENV.caName),
    caTrustFile: required(ENROLL_ENV.caTrustFile),
    mspId: required(ENROLL_ENV.mspId),
    enrollmentId: required(ENROLL_ENV.enrollmentId),
    secretFile: required(ENROLL_ENV.secretFile),
    tlsHosts: (env[ENROLL_ENV.tlsHosts] ?? '')
      .split(',')
      .map((h) => h.trim())
      .filter((h) => h !== ''),
    ...(optionalDir(ENROLL_ENV.mspDir) ? { mspDir: optionalDir(ENROLL_ENV.mspDir) } : {}),
    ...(optionalDir(ENROLL_ENV.tlsDir) ? { tlsDir: optionalDir(ENROLL_ENV.tlsDir) } : {}),
    timeoutMs: Number(env[ENROLL_ENV.timeoutSeconds] ?? 300) * 1000,
    ...storeSettings(env),
  };
  if (settings.mspDir === undefined && settings.tlsDir === undefined) {
    throw new EnrollConfigError(
      `neither ${ENROLL_ENV.mspDir} nor ${ENROLL_ENV.tlsDir} is set: nothing to write`,
    );
  }
  if (settings.tlsDir !== undefined && settings.tlsHosts.length === 0) {
    throw new EnrollConfigError(`${ENROLL_ENV.tlsHosts} is empty: a TLS certificate needs host names`);
  }
  return settings;
}

/** Where enrolled credentials are kept across restarts (./store.ts), when the construct mounted a volume. */
function storeSettings(env: NodeJS.ProcessEnv): Pick<EnrollSettings, 'storeDir' | 'renewBeforeMs'> {
  const storeDir = env[ENROLL_ENV.storeDir];
  if (!storeDir) return {};
  const days = Number(env[ENROLL_ENV.renewBeforeDays] ?? 30);
  if (!Number.isFinite(days) || days < 0) {
    throw new EnrollConfigError(`${ENROLL_ENV.renewBeforeDays} must be a number of days ≥ 0`);
  }
  return { storeDir, renewBeforeMs: days * 24 * 3600 * 1000 };
}

/** Retried: the CA not up yet, or the identity not registered yet (the registrar runs concurrently). */
function isTransient(error: unknown): boolean {
  if (!(error instanceof CaError)) return false;
  return error.code === 'UNREACHABLE' || error.code === 'TIMEOUT' || error.code === 'AUTHENTICATION_FAILED';
}

/** Enrolls and writes the folders; retries transient failures until the timeout. */
export async function enroll(settings: EnrollSettings, log: (line: string) => void): Promise<void> {
  const deadline = Date.now() + settings.timeoutMs;
  for (let attempt = 1; ; attempt++) {
    try {
      const caCertificate = await readFile(settings.caTrustFile, 'utf8');
      if (settings.storeDir !== undefined) {
        const reused = await reuseStoredCredentials(settings, caCertificate);
        if (reused.reused) {
          log(`reused the credentials of ${settings.enrollmentId} kept in ${settings.storeDir}`);
          return;
        }
        log(`enrolling ${settings.enrollmentId}: ${reused.reason}`);
      }
      await enrollOnce(settings);
      log(
        `enrolled ${settings.enrollmentId} (${settings.mspId}) at ${settings.caUrl}: ` +
          [settings.mspDir && `MSP in ${settings.mspDir}`, settings.tlsDir && `TLS in ${settings.tlsDir}`]
            .filter(Boolean)
            .join(', '),
      );
      return;
    } catch (error) {
      if (!isTransient(error) || Date.now() > deadline) throw error;
      log(`attempt ${attempt}: ${error instanceof Error ? error.message : String(error)}; retrying`);
      await sleep(Math.min(10_000, 500 * 2 ** Math.min(attempt, 5)));
    }
  }
}

async function enrollOnce(settings: EnrollSettings): Promise<void> {
  // Re-read each attempt: the registrar may publish them while we wait.
  const caCertificate = await readFile(settings.caTrustFile, 'utf8');
  const secret = (await readFile(settings.secretFile, 'utf8')).trim();
  const ca = newCaClient({ url: settings.caUrl, tlsCaCertificate: caCertificate, caName: settings.caName });
  const request = { enrollmentId: settings.enrollmentId, secret, mspId: settings.mspId };
  if (settings.mspDir !== undefined) {
    const identity = await ca.enroll(request);
    await writeLocalMsp(settings.mspDir, {
      identity,
      caCertificate,
      tlsCaCertificate: caCertificate,
      nodeOUs: true,
    });
  }
  if (settings.tlsDir !== undefined) {
    const identity = await ca.enroll({ ...request, profile: 'tls', hosts: settings.tlsHosts });
    await writeTlsFiles(settings.tlsDir, { identity, caCertificate });
  }
  if (settings.storeDir !== undefined) await storeCredentials(settings);
}
