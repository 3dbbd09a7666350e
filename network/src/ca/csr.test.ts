import { describe, expect, test } from '@jest/globals';
import { createPrivateKey, createPublicKey, webcrypto } from 'node:crypto';
import * as x509 from './x509';
import { createKeyAndCsr, toGeneralName } from './csr';

const SAN_OID = '2.5.29.17';

function subjectAltNames(csr: x509.Pkcs10CertificateRequest): x509.JsonGeneralNames {
  const extension = csr.getExtension(SAN_OID);
  if (!(extension instanceof x509.SubjectAlternativeNameExtension))
    throw new Error('CSR has no SAN extension');
  return extension.names.toJSON();
}

describe('createKeyAndCsr', () => {
  test('puts the enrollment ID in the CN and nothing else in the subject', async () => {
    const { csrPem } = await createKeyAndCsr('peer0, org1');
    const csr = new x509.Pkcs10CertificateRequest(csrPem);
    expect(csr.subjectName.getField('CN')).toEqual(['peer0, org1']);
    expect(csr.subjectName.toJSON()).toHaveLength(1);
  });

  test('adds DNS and IP subject alternative names from hosts', async () => {
    const { csrPem } = await createKeyAndCsr('peer0', [
      'localhost',
      '127.0.0.1',
      '::1',
      'peer0.org1.example',
    ]);
    const csr = new x509.Pkcs10CertificateRequest(csrPem);
    expect(subjectAltNames(csr)).toEqual([
      { type: 'dns', value: 'localhost' },
      { type: 'ip', value: '127.0.0.1' },
      { type: 'ip', value: '::1' },
      { type: 'dns', value: 'peer0.org1.example' },
    ]);
  });

  test('omits the SAN extension without hosts', async () => {
    const { csrPem } = await createKeyAndCsr('client1');
    const csr = new x509.Pkcs10CertificateRequest(csrPem);
    expect(csr.getExtension(SAN_OID)).toBeNull();
  });

  test('is self-signed with ECDSA SHA-256 by a P-256 key exported as PKCS#8', async () => {
    const { csrPem, privateKeyPem } = await createKeyAndCsr('client1');
    const csr = new x509.Pkcs10CertificateRequest(csrPem);
    expect(await csr.verify(webcrypto)).toBe(true);
    expect(csr.signatureAlgorithm).toMatchObject({ name: 'ECDSA', hash: { name: 'SHA-256' } });

    const key = createPrivateKey(privateKeyPem);
    expect(key.export({ type: 'pkcs8', format: 'pem' }).toString()).toBe(privateKeyPem);
    expect(key.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    const csrPublicKey = createPublicKey(csr.publicKey.toString('pem'));
    expect(csrPublicKey.equals(createPublicKey(key))).toBe(true);
  });

  test('generates a new key every time', async () => {
    const first = await createKeyAndCsr('client1');
    const second = await createKeyAndCsr('client1');
    expect(first.privateKeyPem).not.toBe(second.privateKeyPem);
  });
});

describe('toGeneralName', () => {
  test.each([
    ['10.0.0.1', 'ip'],
    ['fe80::1', 'ip'],
    ['ca.org1', 'dns'],
    ['*.org1.example', 'dns'],
  ])('%s is a %s name', (host, type) => {
    expect(toGeneralName(host)).toEqual({ type, value: host });
  });
});
