import { describe, expect, test } from '@jest/globals';
import { webcrypto } from 'node:crypto';
import * as x509 from './x509';
import { ATTRIBUTE_EXTENSION_OID, readCertificateAttributes } from './attributes';

describe('readCertificateAttributes', () => {
  test('returns the attrs object of the fabric-ca extension', async () => {
    const json = '{"attrs":{"emr.role":"physician","hf.EnrollmentID":"doc1","hf.Type":"client"}}';
    const pem = await certificateWith(Buffer.from(json));
    expect(readCertificateAttributes(pem)).toEqual({
      'emr.role': 'physician',
      'hf.EnrollmentID': 'doc1',
      'hf.Type': 'client',
    });
  });

  test('returns an empty record when the extension is absent', async () => {
    expect(readCertificateAttributes(await certificateWith(undefined))).toEqual({});
  });

  test('keeps "__proto__" as a plain attribute name', async () => {
    const attributes = readCertificateAttributes(
      await certificateWith(Buffer.from('{"attrs":{"__proto__":"x"}}')),
    );
    expect(Object.keys(attributes)).toEqual(['__proto__']);
    expect(attributes['__proto__']).toBe('x');
  });

  test.each([
    ['not JSON', Buffer.from('attrs=emr.role')],
    ['not UTF-8', Buffer.from([0xff, 0xfe, 0x7b])],
    ['no attrs object', Buffer.from('{"attributes":{}}')],
    ['attrs an array', Buffer.from('{"attrs":["a"]}')],
    ['a non-string value', Buffer.from('{"attrs":{"level":3}}')],
  ])('rejects an extension that is %s', async (_, value) => {
    const pem = await certificateWith(value);
    expect(() => readCertificateAttributes(pem)).toThrow(
      expect.objectContaining({ code: 'INVALID_CERTIFICATE' }),
    );
  });

  test('rejects input that is not a certificate', () => {
    expect(() =>
      readCertificateAttributes('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'),
    ).toThrow(expect.objectContaining({ code: 'INVALID_CERTIFICATE' }));
  });
});

async function certificateWith(attributeExtensionValue: Buffer | undefined): Promise<string> {
  const keys = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
    'sign',
    'verify',
  ]);
  const extensions =
    attributeExtensionValue === undefined
      ? []
      : [new x509.Extension(ATTRIBUTE_EXTENSION_OID, false, attributeExtensionValue)];
  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    { name: [{ CN: ['doc1'] }], keys, signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' }, extensions },
    webcrypto,
  );
  return cert.toString('pem');
}
