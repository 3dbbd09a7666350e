// The `enroll` init container's program against a real fabric-ca-server 1.5 with TLS, configured exactly as the
// constructs configure it (ENROLL_ENV): it writes the MSP and TLS folders a peer reads, with keys generated in
// the process; it fails with one clear line when the identity is not registered.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { newCaClient, type Identity } from '@emr/network';
import { type FabricCa, startFabricCa } from '../../network/test/support/fabric-ca';
import { ENROLL_ENV } from '../src/enroll/contract';

const run = promisify(execFile);
const CLI = resolve(__dirname, '..', 'dist', 'enroll', 'cli.js');
const MSP_ID = 'Provider1MSP';

let ca: FabricCa;
let registrar: Identity;
let dir: string;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing — run \`make build\` first`);
  dir = await mkdtemp(join(tmpdir(), 'emr-enroll-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  ca = await startFabricCa({ caName: 'ca-provider1' });
  cleanups.push(() => ca.stop());
  registrar = await newCaClient({
    url: ca.url,
    tlsCaCertificate: ca.caCertificate,
    caName: ca.caName,
  }).enroll({
    ...ca.bootstrap,
    mspId: MSP_ID,
  });
  await writeFile(join(dir, 'ca.pem'), ca.caCertificate);
}, 60_000);

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** Registers an identity as the registrar step would, storing its secret as the Secret volume does. */
async function register(enrollmentId: string, type: 'peer' | 'client'): Promise<string> {
  const client = newCaClient({ url: ca.url, tlsCaCertificate: ca.caCertificate, caName: ca.caName });
  const secret = await client.register(registrar, { enrollmentId, type, secret: `${enrollmentId}-pw` });
  const file = join(dir, `${enrollmentId}.secret`);
  await writeFile(file, `${secret}\n`);
  return file;
}

async function enroll(
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI], {
      env: { PATH: process.env['PATH'] ?? '', ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

function baseEnv(enrollmentId: string, secretFile: string): Record<string, string> {
  return {
    [ENROLL_ENV.caUrl]: ca.url,
    [ENROLL_ENV.caName]: ca.caName,
    [ENROLL_ENV.caTrustFile]: join(dir, 'ca.pem'),
    [ENROLL_ENV.mspId]: MSP_ID,
    [ENROLL_ENV.enrollmentId]: enrollmentId,
    [ENROLL_ENV.secretFile]: secretFile,
    [ENROLL_ENV.tlsHosts]: `${enrollmentId},${enrollmentId}.emr-provider1.svc.cluster.local,localhost`,
  };
}

describe('a peer enrolls itself', () => {
  const msp = (): string => join(dir, 'peer', 'msp');
  const tls = (): string => join(dir, 'peer', 'tls');

  beforeAll(async () => {
    const secretFile = await register('peer0-provider1', 'peer');
    const result = await enroll({
      ...baseEnv('peer0-provider1', secretFile),
      [ENROLL_ENV.mspDir]: msp(),
      [ENROLL_ENV.tlsDir]: tls(),
    });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain('[enroll] enrolled peer0-provider1 (Provider1MSP)');
  }, 60_000);

  test('its MSP folder holds a peer certificate issued by the CA, for the key next to it', async () => {
    const cert = new X509Certificate(await readFile(join(msp(), 'signcerts/cert.pem')));
    expect(cert.subject).toContain('CN=peer0-provider1');
    expect(cert.subject).toContain('OU=peer');
    expect(cert.verify(new X509Certificate(ca.caCertificate).publicKey)).toBe(true);
    const key = createPrivateKey(await readFile(join(msp(), 'keystore/priv_sk')));
    expect(createPublicKey(key).export({ format: 'jwk' })).toEqual(cert.publicKey.export({ format: 'jwk' }));
    expect(await readFile(join(msp(), 'cacerts/ca.pem'), 'utf8')).toBe(ca.caCertificate);
    expect(await readFile(join(msp(), 'config.yaml'), 'utf8')).toContain('PeerOUIdentifier');
    expect((await stat(join(msp(), 'keystore/priv_sk'))).mode & 0o077).toBe(0);
  });

  test('its TLS folder holds a server certificate for the Service names it was given', async () => {
    const cert = new X509Certificate(await readFile(join(tls(), 'server.crt')));
    expect(cert.subjectAltName).toContain('DNS:peer0-provider1.emr-provider1.svc.cluster.local');
    expect(cert.subjectAltName).toContain('DNS:localhost');
    const key = createPrivateKey(await readFile(join(tls(), 'server.key')));
    expect(createPublicKey(key).export({ format: 'jwk' })).toEqual(cert.publicKey.export({ format: 'jwk' }));
    expect(await readFile(join(tls(), 'ca.crt'), 'utf8')).toBe(ca.caCertificate);
  });
});

test('a chaincode server gets only a TLS folder', async () => {
  const secretFile = await register('chaincode-provider1', 'client');
  const out = join(dir, 'chaincode');
  const result = await enroll({
    ...baseEnv('chaincode-provider1', secretFile),
    [ENROLL_ENV.tlsDir]: join(out, 'tls'),
  });
  expect(result.code).toBe(0);
  expect(existsSync(join(out, 'tls', 'server.key'))).toBe(true);
  expect(existsSync(join(out, 'msp'))).toBe(false);
});

test('an identity nobody registered fails after the timeout with one clear line', async () => {
  const secretFile = join(dir, 'ghost.secret');
  await writeFile(secretFile, 'not-registered');
  const result = await enroll({
    ...baseEnv('ghost', secretFile),
    [ENROLL_ENV.tlsDir]: join(dir, 'ghost', 'tls'),
    [ENROLL_ENV.timeoutSeconds]: '1',
  });
  expect(result.code).toBe(1);
  expect(result.stderr.trim().split('\n')).toHaveLength(1);
  expect(result.stderr).toMatch(/^\[enroll\] failed: CaError: CA enroll failed: 20: Authentication failure/);
  expect(result.stdout).toContain('attempt 1');
});

test('a missing setting is named, before anything is sent', async () => {
  const result = await enroll({ [ENROLL_ENV.caUrl]: ca.url });
  expect(result.code).toBe(1);
  expect(result.stderr).toContain(`${ENROLL_ENV.caName} is not set`);
});

describe('an orderer with a persistent volume keeps what it enrolled (EMR_CREDENTIAL_STORE_DIR)', () => {
  const store = (): string => join(dir, 'orderer-0', 'volume', 'enrolled-credentials');
  /** One start of the pod: fresh memory-backed folders, the same volume. */
  const start = async (
    attempt: string,
    secretFile: string,
    extra: Record<string, string> = {},
  ): Promise<{ stdout: string; tls: string; msp: string }> => {
    const folders = {
      msp: join(dir, 'orderer-0', attempt, 'msp'),
      tls: join(dir, 'orderer-0', attempt, 'tls'),
    };
    const result = await enroll({
      ...baseEnv('orderer-0', secretFile),
      [ENROLL_ENV.mspDir]: folders.msp,
      [ENROLL_ENV.tlsDir]: folders.tls,
      [ENROLL_ENV.storeDir]: store(),
      ...extra,
    });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    return {
      stdout: result.stdout,
      tls: await readFile(join(folders.tls, 'server.crt'), 'utf8'),
      msp: await readFile(join(folders.msp, 'signcerts/cert.pem'), 'utf8'),
    };
  };
  let secretFile = '';
  let first: { stdout: string; tls: string; msp: string };

  beforeAll(async () => {
    secretFile = await register('orderer-0', 'peer');
    first = await start('first', secretFile);
  }, 60_000);

  test('the first start enrolls and stores the folders, the keys readable by the owner only', async () => {
    expect(first.stdout).toContain('enrolling orderer-0: no stored msp credentials');
    expect(first.stdout).toContain('[enroll] enrolled orderer-0');
    expect(await readFile(join(store(), 'tls', 'server.crt'), 'utf8')).toBe(first.tls);
    expect((await stat(join(store(), 'tls', 'server.key'))).mode & 0o077).toBe(0);
    expect((await stat(join(store(), 'msp', 'keystore/priv_sk'))).mode & 0o077).toBe(0);
  });

  test('a recreated pod reuses them: the same TLS certificate (what Raft knows the consenter by)', async () => {
    const again = await start('second', secretFile);
    expect(again.stdout).toContain('reused the credentials of orderer-0');
    expect(again.tls).toBe(first.tls);
    expect(again.msp).toBe(first.msp);
  });

  test('it enrolls again when the certificates are inside the renewal window or name other hosts', async () => {
    const renewal = await start('renew', secretFile, { [ENROLL_ENV.renewBeforeDays]: '100000' });
    expect(renewal.stdout).toContain('the stored msp certificate expires');
    expect(renewal.tls).not.toBe(first.tls);
    const renamed = await start('hosts', secretFile, {
      [ENROLL_ENV.tlsHosts]: 'orderer-0.orderer.emr.svc.corp.internal',
    });
    expect(renamed.stdout).toContain(
      'the stored TLS certificate does not name orderer-0.orderer.emr.svc.corp.internal',
    );
    expect(new X509Certificate(renamed.tls).subjectAltName).toContain(
      'orderer-0.orderer.emr.svc.corp.internal',
    );
    // The store now holds the newest enrollment, which the next start reuses.
    expect(await readFile(join(store(), 'tls', 'server.crt'), 'utf8')).toBe(renamed.tls);
  });
});
