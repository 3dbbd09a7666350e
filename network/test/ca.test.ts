// Proves the CA client against a real fabric-ca-server 1.5 with TLS: enrollment, token-authenticated
// registration, attributes, NodeOU types, TLS profile SANs, error codes, and the MSP folder written from it.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { createServer, get } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CaClient, newCaClient, readCertificateAttributes } from '../src/ca';
import * as x509 from '../src/ca/x509';
import type { Identity } from '../src/identity/identity';
import { writeLocalMsp, writeTlsFiles } from '../src/identity/msp';
import { type FabricCa, startFabricCa } from './support/fabric-ca';

const MSP_ID = 'Org1MSP';
const SERVER_AUTH_OID = '1.3.6.1.5.5.7.3.1';

let ca: FabricCa;
let client: CaClient;
let registrar: Identity;
let workDir: string;
// Run in afterAll even when beforeAll failed half-way.
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'emr-ca-test-'));
  cleanups.push(() => rm(workDir, { recursive: true, force: true }));
  ca = await startFabricCa({ caName: 'ca-org1' });
  cleanups.push(() => ca.stop());
  client = newCaClient({ url: ca.url, tlsCaCertificate: ca.caCertificate, caName: ca.caName });
  registrar = await client.enroll({ ...ca.bootstrap, mspId: MSP_ID });
}, 60_000);

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

function subjectField(certificatePem: string, field: string): string[] {
  return new x509.X509Certificate(certificatePem).subjectName.getField(field);
}

function issuedBy(certificatePem: string, caPem: string): boolean {
  return new X509Certificate(certificatePem).verify(new X509Certificate(caPem).publicKey);
}

describe('cainfo', () => {
  test('returns the root the server generated (ca-cert.pem)', async () => {
    const chain = await client.getCaCertificate();
    expect(new X509Certificate(chain).fingerprint256).toBe(
      new X509Certificate(ca.caCertificate).fingerprint256,
    );
    expect(subjectField(chain, 'CN')).toEqual(['ca-org1']);
  });
});

describe('enroll', () => {
  test('gives the bootstrap admin a certificate for its locally generated key, issued by the CA', () => {
    expect(registrar.mspId).toBe(MSP_ID);
    expect(subjectField(registrar.certificate, 'CN')).toEqual(['admin']);
    expect(issuedBy(registrar.certificate, ca.caCertificate)).toBe(true);
    const certificate = new X509Certificate(registrar.certificate);
    expect(certificate.checkPrivateKey(createPrivateKey(registrar.privateKey))).toBe(true);
  });

  test('rejects a wrong secret with AUTHENTICATION_FAILED', async () => {
    await expect(
      client.enroll({ enrollmentId: 'admin', secret: 'wrong', mspId: MSP_ID }),
    ).rejects.toMatchObject({
      code: 'AUTHENTICATION_FAILED',
      status: 401,
      details: [expect.objectContaining({ code: 20 })],
    });
  });
});

describe('register', () => {
  const physician = { enrollmentId: 'doctor1', secret: 'doctor1pw', type: 'client' as const };
  const attributes = [{ name: 'emr.role', value: 'physician', ecert: true }];

  test('returns the given secret, and a second registration fails with ALREADY_REGISTERED', async () => {
    await expect(client.register(registrar, { ...physician, attributes })).resolves.toBe('doctor1pw');
    await expect(client.register(registrar, { ...physician, attributes })).rejects.toMatchObject({
      code: 'ALREADY_REGISTERED',
      status: 409,
      details: [expect.objectContaining({ code: 74 })],
    });
  });

  test('puts ecert attributes and the NodeOU type into the enrolled certificate', async () => {
    const identity = await client.enroll({ enrollmentId: 'doctor1', secret: 'doctor1pw', mspId: MSP_ID });
    expect(readCertificateAttributes(identity.certificate)).toMatchObject({
      'emr.role': 'physician',
      'hf.EnrollmentID': 'doctor1',
      'hf.Type': 'client',
    });
    expect(subjectField(identity.certificate, 'OU')).toContain('client');
  });

  test('limits the certificate to the requested attributes', async () => {
    const identity = await client.enroll({
      enrollmentId: 'doctor1',
      secret: 'doctor1pw',
      mspId: MSP_ID,
      attributes: [{ name: 'emr.role' }, { name: 'emr.unknown', optional: true }],
    });
    expect(readCertificateAttributes(identity.certificate)).toEqual({ 'emr.role': 'physician' });
  });

  test('returns a generated secret when none is given, honouring maxEnrollments', async () => {
    const secret = await client.register(registrar, {
      enrollmentId: 'once',
      type: 'client',
      maxEnrollments: 1,
    });
    expect(secret.length).toBeGreaterThanOrEqual(8);
    await client.enroll({ enrollmentId: 'once', secret, mspId: MSP_ID });
    await expect(client.enroll({ enrollmentId: 'once', secret, mspId: MSP_ID })).rejects.toMatchObject({
      code: 'AUTHENTICATION_FAILED',
    });
  });

  test('refuses a caller that is not a registrar with AUTHORIZATION_FAILED', async () => {
    const doctor = await client.enroll({ enrollmentId: 'doctor1', secret: 'doctor1pw', mspId: MSP_ID });
    await expect(client.register(doctor, { enrollmentId: 'intruder', type: 'client' })).rejects.toMatchObject(
      {
        code: 'AUTHORIZATION_FAILED',
        status: 403,
      },
    );
  });

  test('refuses a token signed with a key that does not match the certificate', async () => {
    const other = await client.enroll({ enrollmentId: 'doctor1', secret: 'doctor1pw', mspId: MSP_ID });
    const forged = { ...registrar, privateKey: other.privateKey };
    await expect(client.register(forged, { enrollmentId: 'forged', type: 'client' })).rejects.toMatchObject({
      code: 'AUTHENTICATION_FAILED',
    });
  });
});

describe('TLS profile', () => {
  let tls: Identity;

  beforeAll(async () => {
    await client.register(registrar, { enrollmentId: 'peer0', secret: 'peer0pw', type: 'peer' });
    tls = await client.enroll({
      enrollmentId: 'peer0',
      secret: 'peer0pw',
      mspId: MSP_ID,
      profile: 'tls',
      hosts: ['localhost', '127.0.0.1'],
    });
  });

  test('issues a server-auth certificate with DNS and IP SANs and OU=peer', () => {
    const certificate = new x509.X509Certificate(tls.certificate);
    const san = certificate.getExtension<x509.SubjectAlternativeNameExtension>('2.5.29.17');
    expect(san?.names.toJSON()).toEqual(
      expect.arrayContaining([
        { type: 'dns', value: 'localhost' },
        { type: 'ip', value: '127.0.0.1' },
      ]),
    );
    const eku = certificate.getExtension<x509.ExtendedKeyUsageExtension>('2.5.29.37');
    expect(eku?.usages).toContain(SERVER_AUTH_OID);
    expect(subjectField(tls.certificate, 'OU')).toContain('peer');
  });

  test('gives a certificate a TLS server can use for both SANs', async () => {
    const dir = join(workDir, 'peer0-tls');
    await writeTlsFiles(dir, { identity: tls, caCertificate: ca.caCertificate });
    const server = createServer(
      { cert: await readFile(join(dir, 'server.crt')), key: await readFile(join(dir, 'server.key')) },
      (_, res) => res.end('ok'),
    );
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    try {
      const { port } = server.address() as AddressInfo;
      const trusted = await readFile(join(dir, 'ca.crt'), 'utf8');
      for (const host of ['localhost', '127.0.0.1']) {
        await expect(httpsGetText(`https://${host}:${port}/`, trusted)).resolves.toBe('ok');
      }
    } finally {
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
    }
  });
});

describe('transport', () => {
  test('fails with TLS_FAILED when the CA certificate is not the trusted one', async () => {
    const untrusting = newCaClient({ url: ca.url, tlsCaCertificate: registrar.certificate });
    await expect(untrusting.getCaCertificate()).rejects.toMatchObject({ code: 'TLS_FAILED' });
  });

  test('fails with REQUEST_FAILED for a CA name the server does not have', async () => {
    const wrongName = newCaClient({ url: ca.url, tlsCaCertificate: ca.caCertificate, caName: 'ca-nope' });
    await expect(wrongName.getCaCertificate()).rejects.toMatchObject({ code: 'REQUEST_FAILED' });
  });
});

describe('writeLocalMsp', () => {
  test('writes an MSP whose signcert, key and cacert belong together', async () => {
    const msp = join(workDir, 'admin-msp');
    const caCertificate = await client.getCaCertificate();
    await writeLocalMsp(msp, {
      identity: registrar,
      caCertificate,
      tlsCaCertificate: caCertificate,
      nodeOUs: true,
    });

    const signcert = await readFile(join(msp, 'signcerts/cert.pem'), 'utf8');
    const key = createPrivateKey(await readFile(join(msp, 'keystore/priv_sk'), 'utf8'));
    const cacert = await readFile(join(msp, 'cacerts/ca.pem'), 'utf8');
    expect(new X509Certificate(signcert).checkPrivateKey(key)).toBe(true);
    expect(issuedBy(signcert, cacert)).toBe(true);
    expect((await stat(join(msp, 'keystore/priv_sk'))).mode & 0o777).toBe(0o600);

    const config = await readFile(join(msp, 'config.yaml'), 'utf8');
    expect(config).toContain('Enable: true');
    // The admin's role OU (client, for fabric-ca's bootstrap identity) must be one config.yaml maps.
    const ou = subjectField(signcert, 'OU');
    expect(ou).toContain('client');
    expect(config).toContain('OrganizationalUnitIdentifier: client');
    for (const match of config.matchAll(/Certificate: (\S+)/g)) {
      await expect(readFile(join(msp, match[1]!), 'utf8')).resolves.toBe(cacert);
    }
  });
});

function httpsGetText(url: string, ca: string): Promise<string> {
  return new Promise((resolve, reject) => {
    get(url, { ca, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        resolve(text);
      });
    }).on('error', reject);
  });
}
